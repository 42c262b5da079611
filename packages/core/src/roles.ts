/**
 * The consortium's on-chain enums, for every TypeScript user (deployment, tests, member nodes).
 * Mirrors `contracts/types/Roles.sol`, `contracts/types/HolderCodes.sol` and
 * `IConsortiumRegistry.ActionKind`: keep the numeric values identical.
 */
/** Consortium roles by name, valued as their bit position in a role set. */
export const Role = {
  ORIGINATOR: 0,
  SERVICER: 1,
  TRUSTEE: 2,
  CUSTODIAN: 3,
  INVESTOR: 4,
  REGULATOR: 5,
  GUARANTOR: 6,
  EXCHANGE: 7,
} as const;
export type RoleName = keyof typeof Role;

/** Every role name, in bit order (for parsers: `z.enum(ROLE_NAMES)`). */
export const ROLE_NAMES = [
  "ORIGINATOR",
  "SERVICER",
  "TRUSTEE",
  "CUSTODIAN",
  "INVESTOR",
  "REGULATOR",
  "GUARANTOR",
  "EXCHANGE",
] as const satisfies readonly RoleName[];

export const MemberStatus = { None: 0, Active: 1, Suspended: 2, Removed: 3 } as const;

export const ActionKind = {
  AdmitMember: 0,
  SuspendMember: 1,
  ReinstateMember: 2,
  RemoveMember: 3,
  SetRoles: 4,
  SetEligibility: 5,
  SetVoting: 6,
  SetThreshold: 7,
  SetFactory: 8,
} as const;

/** Mirrors `contracts/types/HolderCodes.sol`. */
export const HolderCode = {
  ELIGIBLE: 0,
  NOT_MEMBER: 1,
  NOT_ACTIVE: 2,
  NOT_INVESTOR: 3,
  CLASS_NOT_ADMITTED: 4,
  ELIGIBILITY_EXPIRED: 5,
} as const;

/** The bit set of the given roles, as stored by the registry. */
export function roleSet(...roles: RoleName[]): number {
  return roles.reduce((bits, role) => bits | (1 << Role[role]), 0);
}
