// Fastify's schema compilers, replaced by ones that refuse: no route of ours declares a JSON schema (every body is
// read raw and checked by review.ts), and Fastify's defaults would load ajv and fast-json-stringify (about 100
// files) when the server is created, before /healthz can answer (docs/performance.md#cold-start).
import type { FastifyServerOptions } from 'fastify';

const refuse = (): never => {
  throw new Error('route schemas are not used by the webhook server (src/admission/no-route-schemas.ts)');
};

export const NO_ROUTE_SCHEMAS: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: { buildValidator: () => refuse, buildSerializer: () => refuse },
};
