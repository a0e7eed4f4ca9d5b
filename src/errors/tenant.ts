// Errors of the vault: unknown or disconnected tenants and ciphertext that will not open.
import { AppError } from './app.js';

export class TenantNotFoundError extends AppError {
  readonly code = 'tenant_not_found';
  readonly retryable = false;
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} not found`);
  }
}

export class TenantDisconnectedError extends AppError {
  readonly code = 'tenant_disconnected';
  readonly retryable = false;
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} has no active Intercom connection`);
  }
}

/** Ciphertext could not be opened: wrong key, unknown key id, tampering, or a ciphertext bound to another record. */
export class DecryptError extends AppError {
  readonly code = 'decrypt_failed';
  readonly retryable = false;
}
