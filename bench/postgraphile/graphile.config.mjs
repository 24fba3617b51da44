// PostGraphile v5 contender of the VssID benchmark (bench/run.py starts it with server.mjs).
// It connects as bench_postgraphile, a role without BYPASSRLS that owns nothing, so the row-level security
// policies of rls.sql restrict every statement to the person named by the x-person-id request header.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

const connectionString = process.env.BENCH_PG_DSN;
const poolMax = Number(process.env.BENCH_PG_POOL_MAX ?? "10");

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString,
      schemas: ["public", "bench_pg"],
      pubsub: false,
      poolConfig: { max: poolMax },
      // The person from the request header becomes a transaction-local setting that the RLS policies read.
      pgSettings(requestContext) {
        const personId = requestContext.node?.req?.headers["x-person-id"];
        return { "vssid.person_id": typeof personId === "string" ? personId : "0" };
      },
    }),
  ],
  grafserv: { port: Number(process.env.PORT ?? "5678"), graphiql: false, watch: false, maxRequestLength: 100000 },
  grafast: { explain: false },
};

export default preset;
