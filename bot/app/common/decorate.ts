/** The port with some of its methods replaced; the others are the inner object's own. */
export function decorate<P extends object, T extends P>(inner: T, overrides: Partial<P>): T {
  return Object.assign(Object.create(inner) as T, overrides);
}
