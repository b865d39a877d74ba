/** `zen status` exit codes (a module of their own, so `zen --help` need not load the status client). */
export const STATUS_EXIT = { ok: 0, noBot: 1, usage: 2, redis: 5 } as const;
