// Receives the journal's $form form on Cloudflare Pages and keeps each submission, and
// nothing else, in the KV namespace bound as JOURNALGEN_FORMS (Settings > Functions > KV
// namespace bindings). `journalgen forms --cloudflare` brings them in to be approved.
// Written by journalgen (`journalgen upgrade` rewrites it).
const FORM = "$form";
const THANKS = "$thanks";
const MAX_BYTES = 65536;
const MAX_MESSAGE = 10000;

function page(status, words) {
  const html =
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Not sent</title></head><body><main><h1>Not sent</h1><p>" +
    words.replace(/&/g, "&amp;").replace(/</g, "&lt;") +
    "</p><p>Go back, change it and send it again.</p></main></body></html>";
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

export async function onRequestPost({ request, env }) {
  const site = request.headers.get("Sec-Fetch-Site");
  const origin = request.headers.get("Origin");
  const own = new URL(request.url).origin;
  if (site ? site !== "same-origin" && site !== "none" : origin && origin !== own) {
    return page(403, "Only the journal's own pages can send this form.");
  }
  if (Number(request.headers.get("Content-Length") || "0") > MAX_BYTES) {
    return page(413, "This is longer than the form takes.");
  }
  const body = await request.text();
  if (body.length > MAX_BYTES) {
    return page(413, "This is longer than the form takes.");
  }
  const fields = Object.fromEntries(new URLSearchParams(body));
  const thanks = new URL(THANKS, request.url).toString();
  if (fields["bot-field"]) {
    return Response.redirect(thanks, 303); // a robot: thanked, not kept
  }
  if ((fields.message || "").length > MAX_MESSAGE) {
    return page(413, "The message is longer than 10,000 characters.");
  }
  const created = new Date().toISOString();
  const key = `$${FORM}:$${created}:$${crypto.randomUUID()}`;
  const kept = { form_name: FORM, created_at: created, data: fields };
  await env.JOURNALGEN_FORMS.put(key, JSON.stringify(kept));
  return Response.redirect(thanks, 303);
}
