// deskpilot's test kit: one startStack() for tests, benchmarks, evals and the demo, a throwaway PostgreSQL schema,
// and signed webhook deliveries built from the example payloads.
export {
  startStack,
  uniquePrefix,
  SANDBOX_MODEL_KEY,
  type Stack,
  type StackOptions,
  type StackTenantOptions,
} from './stack.js';
export { createSchemaDb, type SchemaDb } from './schema-db.js';
export { readExample, signedDelivery, type ExampleName, type SignedDelivery } from './webhook-events.js';
