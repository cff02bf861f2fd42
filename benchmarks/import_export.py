"""Time `journalgen import wordpress` and the first build on a generated, real-sized
WordPress export (run by hand):

    python benchmarks/import_export.py                 # 500 posts, 6,000 comments, 300 photos
    python benchmarks/import_export.py --posts 2000 --comments 24000 --photos 1000

The export is written with the shapes a real blog has (classic-editor paragraphs,
captions, galleries, embeds, drafts, private and scheduled posts, approved, held and
spam comments, pingbacks, attachments, resized copies referenced), into
benchmarks/.import/. Prints the counts of the report and the seconds each step took.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent / ".import"
SENTENCE = (
    "the nurses came by again today and we talked about the next block of treatment while "
    "she slept through most of the afternoon with the giraffe under her arm and grandma "
    "phoned twice from the coast to ask whether there was anything at all she could bring"
)
WORDS = tuple(SENTENCE.split())


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def export(posts: int, comments: int, photos: int, rng: random.Random) -> str:
    items = []
    for number in range(1, photos + 1):
        items.append(
            f"<item><title>photo {number}</title><wp:post_id>{100000 + number}</wp:post_id>"
            f"<wp:post_parent>{number % posts + 1}</wp:post_parent><wp:status>inherit</wp:status>"
            "<wp:post_type>attachment</wp:post_type><wp:attachment_url>"
            f"https://old.example/wp-content/uploads/2019/{number % 12 + 1:02d}/p{number}.jpg"
            "</wp:attachment_url></item>"
        )
    statuses = ["publish"] * 90 + ["draft"] * 4 + ["private"] * 3 + ["future"] * 2 + ["trash"]
    per_post = comments // posts
    for number in range(1, posts + 1):
        day = f"2019-{(number % 12) + 1:02d}-{(number % 28) + 1:02d}"
        photo = rng.randint(1, photos)
        body = "\n\n".join(paragraph(rng, rng.randint(30, 90)) for _ in range(rng.randint(3, 8)))
        small = f"https://old.example/wp-content/uploads/2019/{photo % 12 + 1:02d}/p{photo}"
        body += (
            f'\n\n[caption id="attachment_{100000 + photo}" width="300"]'
            f'<img src="{small}-300x200.jpg" alt="Photo {photo}" />'
            f" A caption for photo {photo}[/caption]"
        )
        if number % 10 == 0:
            body += f'\n\n[gallery ids="{100000 + photo},{100000 + (photo % photos) + 1}"]'
        if number % 15 == 0:
            body += "\n\nhttps://www.youtube.com/watch?v=abc\n"
        status = rng.choice(statuses)
        threads = []
        for c in range(per_post):
            approved = "1" if c % 20 else rng.choice(["0", "spam"])
            kind = "pingback" if c % 50 == 49 else "comment"
            threads.append(
                f"<wp:comment><wp:comment_id>{number * 1000 + c}</wp:comment_id>"
                f"<wp:comment_author>Friend {c}</wp:comment_author>"
                f"<wp:comment_date_gmt>{day} {10 + c % 10:02d}:{c % 60:02d}:00"
                "</wp:comment_date_gmt><wp:comment_content>"
                f"{escape(paragraph(rng, rng.randint(5, 40)))}</wp:comment_content>"
                f"<wp:comment_approved>{approved}</wp:comment_approved>"
                f"<wp:comment_type>{kind}</wp:comment_type></wp:comment>"
            )
        year = "2030" if status == "future" else "2019"
        items.append(
            f"<item><title>Day {number}</title><link>https://old.example/{year}/{day[5:7]}/"
            f"{day[8:]}/day-{number}/</link><dc:creator>dawn</dc:creator>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded>"
            f"<wp:post_id>{number}</wp:post_id>"
            f"<wp:post_date_gmt>{year}{day[4:]} 20:00:00</wp:post_date_gmt>"
            f"<wp:post_name>day-{number}</wp:post_name><wp:status>{status}</wp:status>"
            "<wp:post_type>post</wp:post_type>"
            '<category domain="category" nicename="hospital">Hospital</category>'
            + "".join(threads)
            + "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><title>Generated</title><link>https://old.example</link>"
        "<wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:author><wp:author_login>dawn</wp:author_login>"
        "<wp:author_display_name>Dawn</wp:author_display_name></wp:author>"
        + "".join(items)
        + "</channel></rss>\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--comments", type=int, default=6000)
    parser.add_argument("--photos", type=int, default=300)
    args = parser.parse_args()
    from PIL import Image

    rng = random.Random(7)
    shutil.rmtree(HERE, ignore_errors=True)
    uploads = HERE / "uploads"
    for number in range(1, args.photos + 1):
        folder = uploads / "2019" / f"{number % 12 + 1:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1200, 900), (number % 255, 120, 200)).save(folder / f"p{number}.jpg")
    xml = HERE / "export.xml"
    xml.write_text(export(args.posts, args.comments, args.photos, rng), encoding="utf-8")
    journal = HERE / "journal"
    journalgen = [sys.executable, "-m", "journalgen"]
    init = [*journalgen, "init", str(journal), "--title", "Generated"]
    init += ["--timezone", "Europe/London", "--base-url", "https://generated.example.org/"]
    subprocess.run(init, check=True, capture_output=True)
    for starter in journal.glob("content/entries/*.md"):
        starter.unlink()
    print(f"export: {xml.stat().st_size / 2**20:.1f} MB, {args.posts} posts, "
          f"{args.comments} comments, {args.photos} photos")  # fmt: skip
    for step, command in (
        ("import", [*journalgen, "import", "wordpress", str(xml), "--uploads", str(uploads)]),
        ("first build", [*journalgen, "build"]),
        ("import again", [*journalgen, "import", "wordpress", str(xml), "--uploads", str(uploads)]),
    ):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=journal, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode:
            print(done.stdout, done.stderr)
            return 1
        summary = [line for line in done.stdout.splitlines() if line.strip()][:3]
        print(f"{step}: {seconds:.1f} s — " + " | ".join(s.strip() for s in summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
