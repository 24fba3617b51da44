// Serves the PostGraphile v5 schema of graphile.config.mjs over plain node:http at PORT (no GraphiQL, no watch).
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});
await serv.addTo(server);
const port = preset.grafserv.port;
server.listen(port, "127.0.0.1", () => console.log(`postgraphile listening on ${port}`));
if (process.argv.includes("--print-schema")) {
  const { printSchema } = await import("postgraphile/graphql");
  console.log(printSchema(await pgl.getSchema()));
  process.exit(0);
}
const stop = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
