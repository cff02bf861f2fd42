// Reads each `_redirects` file named on the command line with Netlify's own parser
// (@netlify/redirect-parser, pinned in package-lock.json) and prints, as JSON, what
// Netlify takes every rule to mean: {file: {redirects: [...], errors: [...]}}.
import { parseAllRedirects } from "@netlify/redirect-parser";

const out = {};
for (const file of process.argv.slice(2)) {
  const { redirects, errors } = await parseAllRedirects({ redirectsFiles: [file], minimal: true });
  out[file] = { redirects, errors: errors.map((error) => String(error.message || error)) };
}
process.stdout.write(JSON.stringify(out));
