// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetPool} from "./IAssetPool.sol";
import {IWaterfallEngine} from "./IWaterfallEngine.sol";
import {PoolState} from "../types/PoolTypes.sol";
import {CouponType} from "../types/TrancheTypes.sol";
import {
    TriggerKind,
    TriggerEffect,
    WaterfallConfig,
    WaterfallState,
    PeriodInputs,
    PeriodResult
} from "../types/WaterfallTypes.sol";

/// @notice Who receives the waterfall's payments other than the tranches.
/// @param feeRecipients One per senior fee, in the configuration's fee order (trustee, servicer, custodian, ...).
/// @param equityHolder Receives the residual.
/// @param guarantor The guarantee facility's guarantor (GUARANTOR role); zero when the facility's limit is 0.
struct WaterfallParties {
    address[] feeRecipients;
    address equityHolder;
    address guarantor;
}

/// @title The priority of payments of one deal, run on chain once per period.
/// @notice Created by `WaterfallFactory` for one pool (registered as a deal contract, so it holds cash), named by
/// the pool's trustee with `AssetPool.setWaterfall` before the offering.
///
/// Cash. The waterfall's cash-token balance is four buckets: the reserve account (`waterfallState().reserveCents`),
/// the guarantor's committed cash not yet drawn (`guaranteeCashCents()`), the payees' credits not yet withdrawn
/// (`payablesCents()`, the sum of every `owedCents`), and collections (the rest): the servicer deposits each
/// period's collections by a plain cash transfer to this contract (and a cap provider its period's payment).
///
/// Running a period (`runPeriod`, one trustee transaction): period `p = lastPeriod() + 1` needs the pool's report
/// of `p` (`IAssetPool.report`); its inputs are taken from it (see `periodInputs`), the configuration and the
/// carried state go through `WaterfallLib.run`, and then: each senior fee is credited to its recipient, the guarantee
/// fee to the guarantor, the residual to the equity holder (pull payments: one storage write each instead of a cash
/// transfer; each payee takes its credits in cash with `withdraw`, and an indexer derives the credits from
/// `PeriodDistributed` and the payees of `WaterfallConfigured`), each tranche's interest + principal
/// to its tranche token (whose holders claim it, `ITrancheToken.claim`), the reserve stays here, guarantee draws
/// come from the guarantor's committed cash and reimbursements go back into it (so committed cash + draws
/// outstanding stay equal to what the guarantor committed, and a fully committed facility always covers its room;
/// the committed cash not drawn goes back to the guarantor at `closeOut`); the pool records the period as distributed (its report is then
/// final) and sets each tranche's factor (`balance * 1e27 / original face`, rounded down). A period runs once, in
/// order, after its report, and either completely or not at all.
///
/// Powers: the pool's trustee (active member holding TRUSTEE): `configure` (Draft or Structured only: the
/// configuration is frozen from the offering on), `runPeriod`, `closeOut` (once the pool is Redeemed). The guarantor (active member holding GUARANTOR):
/// `commitGuarantee`. A payee with credits: `withdraw`. Anyone: the views.
interface IWaterfall {
    // ---------------------------------------------------------------- events

    /// @notice The trustee stored the configuration (hash of its ABI encoding) and the payees; the carried state
    /// starts afresh (each tranche at its original face, every shortfall and the reserve at zero).
    event WaterfallConfigured(
        bytes32 indexed configHash,
        WaterfallConfig config,
        WaterfallParties parties,
        address indexed trustee
    );
    /// @notice The guarantor committed `amountCents` more cash; `guaranteeCashCents` is held for draws now.
    event GuaranteeCommitted(address indexed guarantor, uint256 amountCents, uint256 guaranteeCashCents);
    /// @notice The facility expired: its committed cash not drawn (`amountCents`) was credited back to the
    /// guarantor (`owedCents`), who withdraws it.
    event FacilityReleased(address indexed guarantor, uint256 amountCents);
    /// @notice Period `period` ran on report revision `reportRevision`: `inputs` went through `WaterfallLib.run`
    /// and every amount of `result` was paid or credited (see the interface notice); `result.next` is the carried
    /// state. The fees, the guarantee fee and the residual are credited to the payees (`owedCents`).
    event PeriodDistributed(
        uint32 indexed period,
        uint32 reportRevision,
        PeriodInputs inputs,
        PeriodResult result,
        address indexed trustee
    );
    /// @notice `payee` withdrew `amountCents` in cash: every credit it had (its `owedCents` is now 0).
    event PayeeWithdrawn(address indexed payee, uint256 amountCents);
    /// @notice Trigger `trigger` (index in the configuration) became breached in `period`.
    event TriggerBreached(
        uint32 indexed period,
        uint8 indexed trigger,
        TriggerKind kind,
        TriggerEffect effect,
        uint256 valueWad,
        uint256 thresholdWad
    );
    /// @notice Trigger `trigger` was cured in `period`.
    event TriggerCured(
        uint32 indexed period,
        uint8 indexed trigger,
        TriggerKind kind,
        TriggerEffect effect,
        uint256 valueWad,
        uint256 thresholdWad
    );

    /// @notice The trustee set the clean-up call threshold: callable once the pool balance is at most
    /// `factorRay` (1e27 = 100%) of the original pool balance; 0 = no clean-up call.
    event CleanUpCallSet(uint256 factorRay, address indexed trustee);
    /// @notice The clean-up call was exercised on reported period `period` (not yet run): `buyer` (the servicer,
    /// through `IAssetPool.exerciseCleanUpCall`) bought every loan left at the period's ending balance,
    /// `poolBalanceCents`, paid into the waterfall in the same transaction. The period distributes the price with its
    /// collections, and it and every later period run accelerated (everything after the fees to the notes in
    /// seniority order).
    event CleanUpCallExercised(uint32 period, uint256 poolBalanceCents, uint256 factorRay, address indexed buyer);
    /// @notice The trustee closed the deal out after period `lastPeriod` (the pool is Redeemed): the guarantor's
    /// committed cash not drawn (`guaranteeReleasedCents`) was credited to `guarantor`, the reserve
    /// (`reserveReleasedCents`) and the collections held (`collectionsReleasedCents`) to `equityHolder`; each
    /// withdraws with `withdraw`. The reserve, the guarantee cash and the collections held are now 0, so the cash
    /// held equals the payables.
    /// @notice The principal schedule of a `Scheduled` deal was fixed (see `setSchedule`).
    /// @param scheduleHash `keccak256(abi.encode(targetsCents))` of `setSchedule`'s argument.
    /// @param scheduledMask Bit t: tranche t is scheduled (one target list per bit, most senior first).
    /// @param periods How many periods the schedule lists.
    /// @param store The data contract holding it (`engine().readSchedule` reads it back).
    event ScheduleSet(
        bytes32 scheduleHash,
        uint16 scheduledMask,
        uint16 periods,
        address store,
        address indexed trustee
    );

    event DealClosedOut(
        uint32 lastPeriod,
        address indexed guarantor,
        uint256 guaranteeReleasedCents,
        address indexed equityHolder,
        uint256 reserveReleasedCents,
        uint256 collectionsReleasedCents,
        address indexed trustee
    );

    // ---------------------------------------------------------------- errors

    /// @notice Only the pool's trustee, while an active member holding TRUSTEE, may call.
    error NotTrustee(address account);
    /// @notice Only the configured guarantor, while an active member holding GUARANTOR, may call.
    error NotGuarantor(address account);
    /// @notice The configuration can change only while the pool is Draft or Structured.
    error ConfigFrozen(PoolState state);
    /// @notice No configuration stored yet.
    error NotConfigured();
    /// @notice The configuration has `configured` tranches; the pool has `poolTranches`.
    error TrancheCountMismatch(uint256 configured, uint256 poolTranches);
    /// @notice The configuration's coupon of tranche `tranche` (`configuredType`, `configuredRateWad`) differs from its
    /// token's terms (`tokenType`, `tokenRateWad`: `ITrancheToken.couponAndFace`): the waterfall pays the coupon investors
    /// bought.
    error TrancheCouponMismatch(
        uint256 tranche,
        CouponType tokenType,
        uint64 tokenRateWad,
        CouponType configuredType,
        uint64 configuredRateWad
    );
    /// @notice One fee recipient per fee: `recipients` given for `fees` fees.
    error FeeRecipientsMismatch(uint256 recipients, uint256 fees);
    /// @notice Tranche `tranche` is an interest-only class in the configuration but not in the pool, or the reverse,
    /// or its notional (face) differs from the face of the tranche it strips.
    error TrancheInterestOnlyMismatch(uint256 tranche);
    /// @notice A payee is the zero address: `field` names it ("equityHolder", "feeRecipient").
    error PayeeMissing(bytes32 field);
    /// @notice A facility (limit > 0) needs a guarantor, and no facility none.
    error GuarantorInvalid(address guarantor, uint256 limitCents);
    /// @notice Periods run in order: `expected` next, `found` asked.
    error PeriodOutOfOrder(uint32 expected, uint32 found);
    /// @notice The pool has no report of `period` yet (`lastReported` is its last).
    error ReportMissing(uint32 period, uint32 lastReported);
    /// @notice The collections held (`heldCents`) do not cover the report's collections plus the period's cap
    /// receipt (`neededCents`): the servicer, or the cap provider, has not paid in yet.
    error CollectionsShort(uint256 neededCents, uint256 heldCents);
    /// @notice The facility has no expiry (`expiryPeriod` 0), or its expiry period has not run yet.
    error FacilityNotExpired();
    /// @notice The guarantee draw exceeds the guarantor's committed cash.
    error GuaranteeCashShort(uint256 drawCents, uint256 guaranteeCashCents);
    /// @notice Committed cash plus draws outstanding would exceed the facility's limit.
    error GuaranteeCommitExceedsLimit(uint256 limitCents, uint256 committedCents);
    /// @notice A zero amount.
    error AmountZero();
    /// @notice `payee` has no credit to withdraw.
    error NothingToWithdraw(address payee);
    /// @notice The guarantor commits only once the terms are frozen (from the offering on), so a reconfiguration
    /// can never strand committed cash.
    error GuaranteeNotOpen(PoolState state);
    /// @notice A clean-up threshold above 100% (1e27).
    error CleanUpFactorInvalid(uint256 factorRay);
    /// @notice The clean-up call is not (or no longer) exercisable: none configured, already exercised, or the pool
    /// balance `poolBalanceCents` is above the threshold `thresholdCents`.
    error CleanUpCallNotAvailable(uint256 poolBalanceCents, uint256 thresholdCents);
    /// @notice Only the deal's pool may call.
    error NotPool(address account);
    /// @notice The deal was closed out (`closeOut`): no period, commitment or clean-up call any more (payees still
    /// withdraw).
    error WaterfallClosedOut();
    /// @notice `setSchedule` on a deal whose principal mode is not `Scheduled`.
    error ScheduleNotApplicable();
    /// @notice The schedule is missing for a `Scheduled` deal's period.
    error ScheduleMissing();
    /// @notice The schedule lists `found` tranches or periods where `expected` are needed (`field`: "tranches", or
    /// "periods" for a tranche whose list is shorter or longer than the first, or empty, or above the maximum).
    error ScheduleShapeInvalid(bytes32 field, uint256 found, uint256 expected);
    /// @notice Scheduled tranche `tranche`'s target after period `period` is above its original face or above its
    /// target of the period before (a schedule only pays down).
    error ScheduleTargetInvalid(uint256 tranche, uint256 period, uint256 targetCents);
    /// @notice A `Scheduled` deal's targets come from its schedule: the trustee passes none.
    error TargetsFromSchedule(uint256 found);
    /// @notice The deal closes out only once the pool is Redeemed; it is `state`.
    error DealNotRedeemed(PoolState state);

    // ---------------------------------------------------------------- trustee

    /// @notice Store the deal's priority of payments (checked by `IWaterfallEngine.validateDeal`: valid, each
    /// tranche's coupon type and rate as its token's terms, `TrancheCouponMismatch`, and the interest-only classes
    /// exactly the pool's interest-only tranches, `TrancheInterestOnlyMismatch`) and its payees, and reset the carried
    /// state (an interest-only class's balance is 0). Only the trustee, only while the pool is Draft or Structured.
    /// @param config The configuration: one coupon per pool tranche, most senior first.
    /// @param parties Fee recipients (one per fee), equity holder, guarantor (iff the guarantee limit is > 0).
    function configure(WaterfallConfig calldata config, WaterfallParties calldata parties) external;

    /// @notice Run period `period` (see the interface notice). Only the trustee.
    /// @param period `lastPeriod() + 1`, reported by the servicer.
    /// @param indexRateWad The floating-rate index for the period (ignored by fixed coupons).
    /// @param targetBalancesCents `Targeted` principal mode: each tranche's target balance; else empty (a `Scheduled`
    /// deal's targets come from its schedule).
    /// Everything the period paid and the next state is in `PeriodDistributed` (not returned as well: encoding the
    /// result twice cost the period ~4k gas).
    function runPeriod(uint32 period, uint64 indexRateWad, uint256[] calldata targetBalancesCents) external;

    /// @notice Fix the principal schedule of a `Scheduled` deal: each scheduled class's target balance after each
    /// period (a PAC or TAC schedule computed at structuring). Period p's targets are `targetsCents[i][p - 1]`, 0
    /// after the last period listed. Only the trustee, only while the pool is Draft or Structured, after `configure`
    /// (which clears it). Each list is non-increasing and at most the class's original face.
    /// @param targetsCents One list per `Scheduled` class, most senior first, all of the same length (1 to
    /// `ScheduleLib.MAX_PERIODS` = 480).
    function setSchedule(uint256[][] calldata targetsCents) external;

    /// @notice Where the schedule set by `setSchedule` is kept (all zero before): its data contract (read it back with
    /// `engine().readSchedule(store, periods, mask)`, or decode its code: see `ScheduleLib`), how many periods it
    /// lists, which tranches are scheduled (bit t), and its hash.
    function scheduleStore() external view returns (address store, uint16 periods, uint16 mask, bytes32 hash);

    /// @notice Set the clean-up call threshold (see `CleanUpCallSet`). Only the trustee, only while the pool is Draft
    /// or Structured (it is part of the frozen terms).
    /// @param factorRay The pool factor at or below which the call may be exercised (0 = none, at most 1e27).
    function setCleanUpCall(uint256 factorRay) external;

    /// @notice Record the clean-up call's exercise on `period` at `priceCents` by `buyer` (see `CleanUpCallExercised`):
    /// allowed once, while the price (the period's ending balance) is at most the threshold. Only the pool, from
    /// `IAssetPool.exerciseCleanUpCall`, which takes the price from the buyer into this contract.
    function exerciseCleanUpCall(uint32 period, uint256 priceCents, address buyer) external;

    /// @notice The cash leg of a revolving purchase: pay `seller` `priceCents` out of the collections held. Only the
    /// pool, from `anchorTape`, in the transaction that adds the loans (the pool checks the price against the period's
    /// principal collections).
    function payRevolvingPurchase(address seller, uint256 priceCents) external;

    /// @notice Close the deal out once the pool is Redeemed: credit the guarantor's committed cash not drawn to the
    /// guarantor, and the reserve and the collections held (`collectionsHeldCents`) to the equity holder, as
    /// withdrawable credits (see `DealClosedOut`). Draws outstanding, unpaid fee and guarantee-fee shortfalls and
    /// tranche shortfalls or write-downs are not paid: the cash left belongs to the residual (the priority of
    /// payments ended with the last period). Cash sent here later (a plain transfer) is not anyone's and stays.
    /// Only the trustee, once; afterwards `runPeriod` and `commitGuarantee` revert
    /// `WaterfallClosedOut`.
    function closeOut() external;

    /// @notice Whether the deal was closed out (`closeOut`).
    function closedOut() external view returns (bool);

    // ---------------------------------------------------------------- guarantor

    /// @notice Transfer `amountCents` of cash from the guarantor (it approves this contract first) into the
    /// facility's committed cash; committed cash + draws outstanding stay within the limit. Only the guarantor, only
    /// once the pool has left Structured (`GuaranteeNotOpen`).
    /// @param amountCents Cash to commit (> 0).
    function commitGuarantee(uint256 amountCents) external;

    /// @notice Once the facility has expired (`GuaranteeTerms.expiryPeriod` set and run), credit its committed cash
    /// back to the guarantor (it withdraws it with `withdraw`): nothing can draw on it any more. Reimbursements of
    /// the draws still outstanding restore the committed cash, so it can be called again after later periods. Only
    /// the guarantor (`NotGuarantor`); `FacilityNotExpired` without an expiry or before the expiry period has run.
    function releaseExpiredFacility() external;

    // ---------------------------------------------------------------- payees

    /// @notice Transfer every credit of the caller (fees, guarantee fee, residual: `owedCents`) to it in cash.
    /// Reverts `NothingToWithdraw` when it has none. The cash token checks that the caller may hold cash.
    /// @return amountCents The cash paid.
    function withdraw() external returns (uint256 amountCents);

    // ---------------------------------------------------------------- views

    /// @notice The deal's pool.
    function pool() external view returns (IAssetPool);

    /// @notice The shared engine (`WaterfallLib` as a contract) the waterfall validates and runs with.
    function engine() external view returns (IWaterfallEngine);

    /// @notice The cash token (the pool's).
    function cashToken() external view returns (address);

    /// @notice Whether a configuration is stored.
    function configured() external view returns (bool);

    /// @notice keccak256 of the stored configuration's ABI encoding (zero if none).
    function configHash() external view returns (bytes32);

    /// @notice The stored configuration (reverts `NotConfigured` if none).
    function config() external view returns (WaterfallConfig memory);

    /// @notice The payees.
    function parties() external view returns (WaterfallParties memory);

    /// @notice The state carried into the next period.
    function waterfallState() external view returns (WaterfallState memory);

    /// @notice The last period run (0 if none).
    function lastPeriod() external view returns (uint32);

    /// @notice The pool balance at the end of the last period run (the original pool balance before any).
    function poolBalanceCents() external view returns (uint256);

    /// @notice The clean-up call threshold (factor, 1e27 = 100%; 0 = none) and whether it was exercised.
    function cleanUpCall() external view returns (uint256 factorRay, bool exercised);

    /// @notice The guarantor's committed cash not yet drawn.
    function guaranteeCashCents() external view returns (uint256);

    /// @notice What `payee` has been credited and not withdrawn yet (fees, guarantee fee, residual).
    function owedCents(address payee) external view returns (uint256);

    /// @notice The sum of every payee's `owedCents`: cash held for the payees.
    function payablesCents() external view returns (uint256);

    /// @notice Cash held for collections: the balance less the reserve, the guarantee cash and the payables.
    function collectionsHeldCents() external view returns (uint256);

    /// @notice The inputs `runPeriod(period, indexRateWad, targetBalancesCents)` would run on now (reverts like it
    /// if the report is missing): the report's collections (principal = scheduled + prepayments + recoveries),
    /// recoveries, new defaults, 60+ delinquency (60-89 + 90+), the last ending balance as the beginning balance,
    /// the report's ending balance (both as `IAssetPool.waterfallReport` gives them, after the period's revolving
    /// purchases and clean-up call), accrual days = whole days between the report's dates, and acceleration if the
    /// pool is Accelerated or the clean-up call was exercised.
    function periodInputs(
        uint32 period,
        uint64 indexRateWad,
        uint256[] calldata targetBalancesCents
    ) external view returns (PeriodInputs memory);
}
