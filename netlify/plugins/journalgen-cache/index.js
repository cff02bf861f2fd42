// Keeps journalgen's cache (processed photos, parsed entries, the last output) between
// Netlify deploys. Written by journalgen.
const CACHE = [".cache/journalgen"];

module.exports = {
  async onPreBuild({ utils }) {
    if (await utils.cache.restore(CACHE)) {
      console.log("journalgen: cache restored");
    }
  },
  async onPostBuild({ utils }) {
    await utils.cache.save(CACHE);
  },
};
