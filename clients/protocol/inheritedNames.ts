/**
 * Names every plain JavaScript object inherits from Object.prototype. They are
 * valid nicks and channels names on IRC but never protocol types, command
 * names or service names; tests use them to check that no lookup keyed by an
 * outside string takes them for known keys.
 */
export const INHERITED_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const;
