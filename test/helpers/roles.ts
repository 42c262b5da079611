/** The on-chain enums for tests: the same definitions deployment and member nodes use. */
export { ActionKind, HolderCode, MemberStatus, Role, roleSet, type RoleName } from "@abs/core";
