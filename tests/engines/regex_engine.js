"use strict";
/*
 * Answers "does this pattern match this value?" with the RegExp of Node (V8's irregexp), for the
 * conformance suite's tests (tests/external_engines.py), so that they can ask a real ECMAScript engine
 * rather than an imitation of one.
 *
 * Protocol: one JSON object per line on stdin, one JSON object per line on stdout.
 * Request: {"pattern": string, "value": string, "fullmatch": boolean, "flags"?: string (default "u")}.
 * Response: {"match": boolean}, or {"error": string, "kind": "syntax"} when the pattern does not compile
 * with those flags, {"error": ..., "kind": "runtime"} when matching itself throws, {"error": ...,
 * "kind": "request"} when the line is not such a request (invalid flags included). Blank lines are
 * ignored; the program exits at end of input.
 *
 * Semantics: search is new RegExp(pattern, flags).test(value); fullmatch is
 * new RegExp("^(?:" + pattern + ")$", flags).test(value), after checking that the pattern compiles on its
 * own: otherwise a pattern such as "a)|(b" would become a valid regex once wrapped, and mean something
 * else. With flags "" the pattern is read under Annex B (the web-compatibility grammar), without "u".
 *
 * JSON.parse keeps lone surrogates from \uXXXX escapes, as JavaScript strings are UTF-16, and
 * JSON.stringify (well-formed since ES2019) writes them back as escapes.
 */
const readline = require("node:readline");

const CACHE_SIZE = 1024;
/** Compiled regexes by flags, mode and pattern, least recently used first (a Map keeps insertion order). */
const cache = new Map();

function compile(pattern, flags, fullmatch) {
  const key = JSON.stringify([flags, fullmatch, pattern]);
  let re = cache.get(key);
  if (re !== undefined) {
    cache.delete(key);
  } else {
    re = new RegExp(pattern, flags); // throws SyntaxError for the pattern alone
    if (fullmatch) {
      re = new RegExp("^(?:" + pattern + ")$", flags);
    }
    if (cache.size >= CACHE_SIZE) {
      cache.delete(cache.keys().next().value);
    }
  }
  cache.set(key, re);
  return re;
}

function answer(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    return { error: "malformed JSON: " + e.message, kind: "request" };
  }
  if (request === null || typeof request !== "object" || Array.isArray(request)) {
    return { error: "a request is a JSON object", kind: "request" };
  }
  const { pattern, value, fullmatch } = request;
  const flags = request.flags === undefined ? "u" : request.flags;
  if (typeof pattern !== "string" || typeof value !== "string" || typeof fullmatch !== "boolean") {
    return { error: "a request needs string pattern, string value, boolean fullmatch", kind: "request" };
  }
  if (typeof flags !== "string") {
    return { error: "flags must be a string", kind: "request" };
  }
  try {
    new RegExp("", flags);
  } catch (e) {
    return { error: "invalid flags " + JSON.stringify(flags) + ": " + e.message, kind: "request" };
  }
  let re;
  try {
    re = compile(pattern, flags, fullmatch);
  } catch (e) {
    return { error: String(e && e.message), kind: e instanceof SyntaxError ? "syntax" : "runtime" };
  }
  try {
    re.lastIndex = 0; // "g" and "y" make test() start where the previous one stopped
    return { match: re.test(value) };
  } catch (e) {
    return { error: String(e && e.message), kind: "runtime" };
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
lines.on("line", (line) => {
  if (line.trim() === "") {
    return;
  }
  // Writes to a pipe are synchronous on POSIX, so each answer leaves before the next line is read.
  process.stdout.write(JSON.stringify(answer(line)) + "\n");
});
