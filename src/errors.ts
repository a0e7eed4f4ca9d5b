// Typed errors, grouped by layer in src/errors/; import them from here.
export * from './errors/app.js';
export * from './errors/process.js';
export * from './errors/intercom.js';
export * from './errors/tenant.js';
export * from './errors/agent.js';
