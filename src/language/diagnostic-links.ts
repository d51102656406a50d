/** Where each diagnostic code is explained: an anchor per code in docs/diagnostics.md. */
export function diagnosticDocPath(code: string): string {
  return `docs/diagnostics.md#${encodeURIComponent(code)}`;
}
