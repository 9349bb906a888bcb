/** Input the kit refuses (a value the rules or a device would refuse): names the field, never the value. */
export class AppKitError extends Error {
  override name = 'AppKitError';
}
