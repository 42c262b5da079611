// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IDvPSettlement} from "../interfaces/IDvPSettlement.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {ITrancheToken} from "../interfaces/ITrancheToken.sol";
import {ICashToken} from "../interfaces/ICashToken.sol";
import {Order} from "../types/TradeTypes.sol";

/// @title DvPSettlement
/// @notice Atomic delivery-versus-payment of signed secondary tranche orders.
contract DvPSettlement is IDvPSettlement, EIP712, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @dev keccak256 of the EIP-712 type of `Order`.
    bytes32 private constant _ORDER_TYPEHASH = keccak256(
        "Order(address maker,bool isSell,address tranche,uint256 amountCents,uint256 priceBps,address cashToken,address counterparty,uint64 expiry,uint256 nonce)"
    );
    uint256 private constant _BPS = 10_000;

    /// @inheritdoc IDvPSettlement
    IConsortiumRegistry public immutable registry;

    /// @inheritdoc IDvPSettlement
    address public immutable cashToken;

    mapping(bytes32 orderHash => uint256) private _filled;
    mapping(bytes32 orderHash => bool) private _cancelled;

    /// @param registry_ The consortium registry.
    /// @param cashToken_ The consortium's cash token: the only one trades settle in.
    constructor(IConsortiumRegistry registry_, address cashToken_) EIP712("ABS DvP Settlement", "1") {
        registry = registry_;
        cashToken = cashToken_;
    }

    /// @inheritdoc IDvPSettlement
    function settle(
        Order calldata sell,
        bytes calldata sellSignature,
        Order calldata buy,
        bytes calldata buySignature,
        uint256 fillCents
    ) external nonReentrant returns (uint256 cashCents) {
        require(sell.isSell && !buy.isSell, OrderSidesInvalid());
        require(sell.maker != buy.maker, SelfTrade(sell.maker));
        require(
            sell.tranche == buy.tranche && sell.cashToken == buy.cashToken,
            OrdersMismatched(sell.tranche, buy.tranche, sell.cashToken, buy.cashToken)
        );
        require(registry.isDealContract(sell.tranche), TrancheUnknown(sell.tranche));
        require(sell.cashToken == cashToken, CashTokenUnknown(sell.cashToken, cashToken));
        require(sell.priceBps <= buy.priceBps, PricesDoNotCross(sell.priceBps, buy.priceBps));
        require(fillCents != 0, FillZero());
        bytes32 sellHash = _requireTradable(sell, sellSignature, buy.maker, fillCents);
        bytes32 buyHash = _requireTradable(buy, buySignature, sell.maker, fillCents);

        // Rounded up: the buyer carries the rounding of the price, the seller receives it.
        cashCents = (fillCents * sell.priceBps + _BPS - 1) / _BPS;
        _requireDeliverable(sell, buy.maker, fillCents, cashCents);

        _book(sellHash, buyHash, sell, buy.maker, fillCents, cashCents);

        IERC20(sell.tranche).safeTransferFrom(sell.maker, buy.maker, fillCents);
        IERC20(sell.cashToken).safeTransferFrom(buy.maker, sell.maker, cashCents);
    }

    /// @inheritdoc IDvPSettlement
    function cancel(Order calldata order) external {
        bytes32 orderHash = _hashOrder(order);
        require(msg.sender == order.maker, NotMaker(orderHash, order.maker, msg.sender));
        require(!_cancelled[orderHash], OrderIsCancelled(orderHash));
        _cancelled[orderHash] = true;
        emit OrderCancelled(orderHash, order.maker, _filled[orderHash]);
    }

    /// @inheritdoc IDvPSettlement
    function hashOrder(Order calldata order) external view returns (bytes32) {
        return _hashOrder(order);
    }

    /// @inheritdoc IDvPSettlement
    function filledOf(bytes32 orderHash) external view returns (uint256) {
        return _filled[orderHash];
    }

    /// @inheritdoc IDvPSettlement
    function isCancelled(bytes32 orderHash) external view returns (bool) {
        return _cancelled[orderHash];
    }

    /// @dev The order is signed by its maker, open to `counterparty`, live, not cancelled, and has
    /// `fillCents` left. Returns its hash.
    function _requireTradable(
        Order calldata o,
        bytes calldata signature,
        address counterparty,
        uint256 fillCents
    ) private view returns (bytes32 orderHash) {
        orderHash = _hashOrder(o);
        require(
            SignatureChecker.isValidSignatureNow(o.maker, orderHash, signature),
            SignatureInvalid(orderHash, o.maker)
        );
        require(
            o.counterparty == address(0) || o.counterparty == counterparty,
            CounterpartyMismatch(orderHash, o.counterparty, counterparty)
        );
        require(block.timestamp < o.expiry, OrderExpired(orderHash, o.expiry, block.timestamp));
        require(!_cancelled[orderHash], OrderIsCancelled(orderHash));
        uint256 filled = _filled[orderHash];
        uint256 remaining = o.amountCents > filled ? o.amountCents - filled : 0;
        require(fillCents <= remaining, FillExceedsRemaining(orderHash, remaining, fillCents));
    }

    /// @dev Record the fill on both orders and emit `TradeSettled`.
    function _book(
        bytes32 sellHash,
        bytes32 buyHash,
        Order calldata sell,
        address buyer,
        uint256 fillCents,
        uint256 cashCents
    ) private {
        uint256 sellFilled = _filled[sellHash] + fillCents;
        uint256 buyFilled = _filled[buyHash] + fillCents;
        _filled[sellHash] = sellFilled;
        _filled[buyHash] = buyFilled;
        emit TradeSettled(
            sellHash,
            buyHash,
            sell.tranche,
            sell.maker,
            buyer,
            fillCents,
            cashCents,
            sell.priceBps,
            sell.cashToken,
            sellFilled,
            buyFilled,
            msg.sender
        );
    }

    /// @dev Name the reason a delivery or payment would fail before attempting either.
    function _requireDeliverable(Order calldata sell, address buyer, uint256 units, uint256 cashCents) private view {
        ITrancheToken tranche = ITrancheToken(sell.tranche);
        uint8 code = tranche.detectTransferRestriction(sell.maker, buyer, units);
        require(code == 0, TradeRestricted(sell.tranche, code, tranche.messageForTransferRestriction(code)));
        uint8 cashCode = ICashToken(sell.cashToken).detectTransferRestriction(buyer, sell.maker, cashCents);
        require(cashCode == 0, CashRestricted(sell.cashToken, cashCode));
        _requireFunds(sell.tranche, sell.maker, units);
        _requireFunds(sell.cashToken, buyer, cashCents);
    }

    function _requireFunds(address token, address account, uint256 needed) private view {
        uint256 balance = IERC20(token).balanceOf(account);
        require(balance >= needed, BalanceInsufficient(token, account, balance, needed));
        uint256 allowance = IERC20(token).allowance(account, address(this));
        require(allowance >= needed, AllowanceInsufficient(token, account, allowance, needed));
    }

    function _hashOrder(Order calldata o) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        _ORDER_TYPEHASH,
                        o.maker,
                        o.isSell,
                        o.tranche,
                        o.amountCents,
                        o.priceBps,
                        o.cashToken,
                        o.counterparty,
                        o.expiry,
                        o.nonce
                    )
                )
            );
    }
}
