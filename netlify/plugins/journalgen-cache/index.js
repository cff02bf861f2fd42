// Keeps journalgen's cache (processed photos, parsed entries, what the last build read
// and wrote) and the last published folder between Netlify deploys: a deploy then makes
// only what changed, and nothing when nothing did. Written by journalgen.
const path = require("path");

function cached(constants) {
  const folders = [".cache/journalgen"];
  // The published folder, when it is inside the journal (never the journal itself).
  const publish = path.resolve(constants.PUBLISH_DIR || "output");
  if (publish.startsWith(process.cwd() + path.sep)) folders.push(publish);
  return folders;
}

module.exports = {
  async onPreBuild({ utils, constants }) {
    if (await utils.cache.restore(cached(constants))) {
      console.log("journalgen: cache restored");
    }
  },
  async onPostBuild({ utils, constants }) {
    await utils.cache.save(cached(constants));
  },
};
