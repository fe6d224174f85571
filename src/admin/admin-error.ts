// The admin API's errors: a code the UI and scripts can switch on, the HTTP status, and a message
// that says what to do. Thrown by guards and routes, rendered once by the router.
import type { ApiErrorBody, ApiErrorCode } from './api-types.js';

const STATUS: Readonly<Record<ApiErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  export_failed: 500,
  internal_error: 500,
};

export class AdminError extends Error {
  override name = 'AdminError';
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = STATUS[code];
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** A start-up refusal (unsafe bind, weak token): the CLI prints it and exits. */
export class AdminConfigError extends Error {
  override name = 'AdminConfigError';
}
