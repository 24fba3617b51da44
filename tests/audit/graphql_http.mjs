// The graphql-http audit (GraphQL over HTTP specification) against one URL; prints one JSON line per audit.
// Usage: node graphql_http.mjs <node_modules folder> <url> [header JSON]
import { createRequire } from "node:module";
import path from "node:path";

const [modules, url, headerJson] = process.argv.slice(2);
const require = createRequire(path.resolve(modules, "noop.js"));
const { auditServer } = require("graphql-http");

const headers = headerJson ? JSON.parse(headerJson) : {};
const fetchWithHeaders = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...(init.headers || {}), ...headers } });

const results = await auditServer({ url, fetchFn: fetchWithHeaders });
for (const result of results) {
  const detail = result.status !== "ok" && result.response ? `${result.response.status} ${await result.response.text().catch(() => "")}`.slice(0, 300) : null;
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status, reason: result.reason ?? null, detail }));
}
