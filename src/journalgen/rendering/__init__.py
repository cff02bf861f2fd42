"""Stage 4, rendering: the assembled site into files (pages, the book, feeds), each an
`Output` planned with what it shows; and the printed book (Typst)."""
