// The owner types an inference answers, in the one order every answer, list and loop uses.

export const OWNER_TYPES = ['team', 'user', 'service'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];
