// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20Channels {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title PaymentChannels: unidirectional payment channels with EIP-712
/// cumulative vouchers, in ether or any ERC-20 token.
///
/// A payer opens a channel to a payee with a deposit (one transaction).
/// Off chain it then signs vouchers Voucher(channel, cumulative): each names
/// the total owed so far, so only the latest matters. The common close is
/// one transaction: the payee submits the latest voucher (close), or the
/// payer submits the payee's signed Close(channel, cumulative)
/// (cooperativeClose); either pays the payee and refunds the rest at once.
/// A payer whose payee has gone away starts a unilateral close naming what
/// it owes (startClose); during the challenge period the payee may submit
/// any newer voucher, which wins (close); afterwards anyone may finish the
/// close (finishClose) with the payer's figure.
///
/// A channel id is keccak256(abi.encode(payer, payee, token, salt)); an id is
/// used once: a settled channel stays settled, so its vouchers can never be
/// replayed on a new channel.
contract PaymentChannels {
    struct Channel {
        address payer;
        address payee;
        address token; // zero: ether
        uint256 deposit;
        uint256 claimed; // the payer's figure in a unilateral close
        uint64 closesAt; // zero: open; otherwise the end of the challenge period
        bool settled;
    }

    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 channel,uint256 cumulative)");
    bytes32 public constant CLOSE_TYPEHASH = keccak256("Close(bytes32 channel,uint256 cumulative)");
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    // secp256k1n / 2: signatures with a higher s are malleable copies.
    uint256 private constant HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// Seconds a payee has to answer a unilateral close.
    uint64 public immutable challengePeriod;

    mapping(bytes32 => Channel) public channels;

    event Opened(bytes32 indexed id, address indexed payer, address indexed payee, address token, uint256 deposit);
    event ToppedUp(bytes32 indexed id, uint256 deposit);
    event CloseStarted(bytes32 indexed id, uint256 claimed, uint64 closesAt);
    event Settled(bytes32 indexed id, uint256 paid, uint256 refunded);

    error ChannelExists();
    error NoChannel();
    error NotPayer();
    error NotPayee();
    error Closing();
    error NotClosing();
    error ChallengeOpen();
    error BadSignature();
    error BadValue();
    error TransferFailed();

    constructor(uint64 challengePeriod_) {
        challengePeriod = challengePeriod_;
    }

    /// The id of the channel payer opens to payee in token with salt.
    function channelId(address payer, address payee, address token, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(payer, payee, token, salt));
    }

    function domainSeparator() public view returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("anynet pay"), keccak256("1"), block.chainid, address(this))
        );
    }

    /// The EIP-712 digest a payer signs for a voucher.
    function voucherDigest(bytes32 id, uint256 cumulative) public view returns (bytes32) {
        return keccak256(
            abi.encodePacked("\x19\x01", domainSeparator(), keccak256(abi.encode(VOUCHER_TYPEHASH, id, cumulative)))
        );
    }

    /// The EIP-712 digest a payee signs to agree to a cooperative close.
    function closeDigest(bytes32 id, uint256 cumulative) public view returns (bytes32) {
        return keccak256(
            abi.encodePacked("\x19\x01", domainSeparator(), keccak256(abi.encode(CLOSE_TYPEHASH, id, cumulative)))
        );
    }

    /// Opens a channel from msg.sender to payee holding amount of token
    /// (ether when token is zero: msg.value must equal amount; a token is
    /// pulled with transferFrom, so the payer approves it first).
    function open(bytes32 salt, address payee, address token, uint256 amount) external payable returns (bytes32 id) {
        id = channelId(msg.sender, payee, token, salt);
        if (channels[id].payer != address(0)) revert ChannelExists();
        if (payee == address(0) || payee == msg.sender) revert NotPayee();
        channels[id] = Channel(msg.sender, payee, token, amount, 0, 0, false);
        _pull(token, amount);
        emit Opened(id, msg.sender, payee, token, amount);
    }

    /// Adds amount to an open channel's deposit.
    function topUp(bytes32 id, uint256 amount) external payable {
        Channel storage c = _live(id);
        if (msg.sender != c.payer) revert NotPayer();
        if (c.closesAt != 0) revert Closing();
        c.deposit += amount;
        _pull(c.token, amount);
        emit ToppedUp(id, c.deposit);
    }

    /// The payee settles with a voucher the payer signed: it is paid the
    /// voucher's cumulative amount (or the payer's own figure of a
    /// unilateral close, if higher), at most the deposit; the rest goes
    /// back to the payer. Allowed while open and during a challenge.
    function close(bytes32 id, uint256 cumulative, bytes calldata payerSig) external {
        Channel storage c = _live(id);
        if (msg.sender != c.payee) revert NotPayee();
        if (_recover(voucherDigest(id, cumulative), payerSig) != c.payer) revert BadSignature();
        if (c.closesAt != 0 && c.claimed > cumulative) cumulative = c.claimed;
        _settle(id, c, cumulative);
    }

    /// The payer settles with the payee's signed agreement to cumulative.
    function cooperativeClose(bytes32 id, uint256 cumulative, bytes calldata payeeSig) external {
        Channel storage c = _live(id);
        if (msg.sender != c.payer) revert NotPayer();
        if (_recover(closeDigest(id, cumulative), payeeSig) != c.payee) revert BadSignature();
        _settle(id, c, cumulative);
    }

    /// The payer starts a unilateral close, stating what it owes. The payee
    /// has challengePeriod seconds to close with a newer voucher.
    function startClose(bytes32 id, uint256 cumulative) external {
        Channel storage c = _live(id);
        if (msg.sender != c.payer) revert NotPayer();
        if (c.closesAt != 0) revert Closing();
        c.claimed = cumulative;
        c.closesAt = uint64(block.timestamp) + challengePeriod;
        emit CloseStarted(id, cumulative, c.closesAt);
    }

    /// Anyone finishes a unilateral close whose challenge period is over.
    function finishClose(bytes32 id) external {
        Channel storage c = _live(id);
        if (c.closesAt == 0) revert NotClosing();
        if (block.timestamp < c.closesAt) revert ChallengeOpen();
        _settle(id, c, c.claimed);
    }

    function _live(bytes32 id) private view returns (Channel storage c) {
        c = channels[id];
        if (c.payer == address(0) || c.settled) revert NoChannel();
    }

    function _settle(bytes32 id, Channel storage c, uint256 amount) private {
        uint256 deposit = c.deposit;
        if (amount > deposit) amount = deposit;
        c.settled = true;
        c.deposit = 0;
        c.claimed = amount;
        emit Settled(id, amount, deposit - amount);
        _push(c.token, c.payee, amount);
        _push(c.token, c.payer, deposit - amount);
    }

    function _pull(address token, uint256 amount) private {
        if (token == address(0)) {
            if (msg.value != amount) revert BadValue();
            return;
        }
        if (msg.value != 0) revert BadValue();
        if (amount > 0 && !IERC20Channels(token).transferFrom(msg.sender, address(this), amount)) {
            revert TransferFailed();
        }
    }

    function _push(address token, address to, uint256 amount) private {
        if (amount == 0) return;
        if (token == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert TransferFailed();
        } else if (!IERC20Channels(token).transfer(to, amount)) {
            revert TransferFailed();
        }
    }

    function _recover(bytes32 digest, bytes calldata sig) private pure returns (address signer) {
        if (sig.length != 65) revert BadSignature();
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (v < 27) v += 27;
        if (uint256(s) > HALF_N || (v != 27 && v != 28)) revert BadSignature();
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert BadSignature();
    }
}
