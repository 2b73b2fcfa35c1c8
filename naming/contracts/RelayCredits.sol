// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title RelayCredits: relay incentives settled once per epoch.
///
/// Edge nodes relay traffic for others and collect receipts co-signed by
/// the endpoints they serve; WatchDogs probe them. Off chain, a Guardian
/// gathers that evidence for an epoch, computes every Edge's credit with a
/// public formula (anyone can recompute it from the published evidence),
/// and posts one commitment per epoch here: the Merkle root of the
/// (epoch, edge, amount) credits and their total, funded with ether in the
/// same call. Each Edge then claims its own credit with a Merkle proof;
/// claims can be batched by anyone (claimMany) so one transaction settles
/// many Edges. A claim pays into the Edge's balance here, which it
/// withdraws when it likes.
///
/// Leaves are keccak256(bytes.concat(keccak256(abi.encode(epoch, edge,
/// amount)))) (a leaf is hashed twice so that it can never be taken for an
/// inner node) and inner nodes hash their two children in ascending order,
/// the convention of OpenZeppelin's MerkleProof and StandardMerkleTree.
///
/// Stake. Receipts are signed by endpoint wallets, and wallets are free, so
/// the public formula bounds what a wallet vouches for by the ether it has
/// staked here (and an Edge's credit from unstaked wallets by the Edge's own
/// stake). A wallet stakes ether (stake), asks for some back (unstake: it
/// stops counting at once) and takes it out unstakeDelay seconds later
/// (withdrawStake), so stake cannot be flashed in for one epoch's snapshot.
/// stakeAt reads a wallet's stake as it was at the end of any past block
/// (checkpoints: no archive node needed), which is how anyone checks the
/// snapshot a Guardian publishes with an epoch's evidence. There is no
/// slashing: collusion between an Edge and an endpoint leaves no proof a
/// contract could check (their signatures are valid), so stake bounds what
/// colluders make per epoch, as a rate, and is locked, not lost.
contract RelayCredits {
    struct Epoch {
        bytes32 root; // zero: not committed
        uint256 total; // sum of the epoch's credits, funded at commit
        uint256 claimed; // sum claimed so far
        address guardian; // who committed it
    }

    address public owner;
    mapping(address => bool) public guardians;
    mapping(uint64 => Epoch) public epochs;
    mapping(uint64 => mapping(address => bool)) public claimed;
    mapping(address => uint256) public balances;

    /// Checkpoint is a wallet's stake from block `fromBlock` on.
    struct Checkpoint {
        uint64 fromBlock;
        uint192 amount;
    }

    /// Unstaking is what a wallet asked back and when it may take it.
    struct Unstaking {
        uint192 amount;
        uint64 unlockAt; // unix seconds
    }

    /// unstakeDelay is how long, in seconds, unstaked ether stays locked.
    uint64 public immutable unstakeDelay;
    mapping(address => Checkpoint[]) private stakeHistory;
    mapping(address => Unstaking) public unstaking;

    event GuardianSet(address indexed guardian, bool allowed);
    event Committed(uint64 indexed epoch, bytes32 root, uint256 total, address indexed guardian);
    event Claimed(uint64 indexed epoch, address indexed edge, uint256 amount);
    event Withdrawn(address indexed edge, uint256 amount);
    event Staked(address indexed wallet, uint256 amount, uint256 stake);
    event Unstaked(address indexed wallet, uint256 amount, uint256 stake, uint64 unlockAt);
    event StakeWithdrawn(address indexed wallet, uint256 amount);

    error NotOwner();
    error NotGuardian();
    error AlreadyCommitted(uint64 epoch);
    error NotCommitted(uint64 epoch);
    error WrongFunding(uint256 sent, uint256 total);
    error AlreadyClaimed(uint64 epoch, address edge);
    error BadProof(uint64 epoch, address edge, uint256 amount);
    error OverTotal(uint64 epoch);
    error NothingToWithdraw();
    error TransferFailed();
    error ZeroAmount();
    error StakeTooLow(uint256 stake, uint256 asked);
    error StakeLocked(uint64 unlockAt);

    constructor(uint64 unstakeDelay_) {
        unstakeDelay = unstakeDelay_;
        owner = msg.sender;
        guardians[msg.sender] = true;
        emit GuardianSet(msg.sender, true);
    }

    /// setGuardian lets (or stops) a wallet commit epochs.
    function setGuardian(address guardian, bool allowed) external {
        if (msg.sender != owner) revert NotOwner();
        guardians[guardian] = allowed;
        emit GuardianSet(guardian, allowed);
    }

    /// commit posts an epoch's credits: their Merkle root and total, which
    /// msg.value must fund exactly. An epoch is committed once.
    function commit(uint64 epoch, bytes32 root, uint256 total) external payable {
        if (!guardians[msg.sender]) revert NotGuardian();
        Epoch storage e = epochs[epoch];
        if (e.root != bytes32(0)) revert AlreadyCommitted(epoch);
        if (msg.value != total) revert WrongFunding(msg.value, total);
        e.root = root;
        e.total = total;
        e.guardian = msg.sender;
        emit Committed(epoch, root, total, msg.sender);
    }

    /// claim credits edge with amount for epoch, proven against the
    /// epoch's root. Anyone may submit it; the credit goes to edge.
    function claim(uint64 epoch, address edge, uint256 amount, bytes32[] calldata proof) public {
        Epoch storage e = epochs[epoch];
        if (e.root == bytes32(0)) revert NotCommitted(epoch);
        if (claimed[epoch][edge]) revert AlreadyClaimed(epoch, edge);
        bytes32 node = keccak256(bytes.concat(keccak256(abi.encode(epoch, edge, amount))));
        for (uint256 i = 0; i < proof.length; i++) {
            bytes32 p = proof[i];
            node = node < p ? keccak256(abi.encode(node, p)) : keccak256(abi.encode(p, node));
        }
        if (node != e.root) revert BadProof(epoch, edge, amount);
        if (e.claimed + amount > e.total) revert OverTotal(epoch);
        claimed[epoch][edge] = true;
        e.claimed += amount;
        balances[edge] += amount;
        emit Claimed(epoch, edge, amount);
    }

    /// claimMany settles several claims of one epoch in one transaction.
    /// proofs holds each claim's proof, concatenated; lengths[i] is the
    /// number of hashes of claim i.
    function claimMany(
        uint64 epoch,
        address[] calldata edges,
        uint256[] calldata amounts,
        bytes32[] calldata proofs,
        uint256[] calldata lengths
    ) external {
        uint256 from = 0;
        for (uint256 i = 0; i < edges.length; i++) {
            claim(epoch, edges[i], amounts[i], proofs[from:from + lengths[i]]);
            from += lengths[i];
        }
    }

    /// withdraw pays msg.sender its whole balance.
    function withdraw() external {
        uint256 amount = balances[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        balances[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
        emit Withdrawn(msg.sender, amount);
    }

    /// stake adds msg.value to the sender's stake; it counts from this block.
    function stake() external payable {
        if (msg.value == 0) revert ZeroAmount();
        uint256 now_ = stakeOf(msg.sender) + msg.value;
        setStake(msg.sender, now_);
        emit Staked(msg.sender, msg.value, now_);
    }

    /// unstake takes amount out of the sender's stake at once and locks it
    /// for unstakeDelay seconds; what is still locked from an earlier
    /// unstake joins it and waits the new delay.
    function unstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 have = stakeOf(msg.sender);
        if (amount > have) revert StakeTooLow(have, amount);
        setStake(msg.sender, have - amount);
        Unstaking storage u = unstaking[msg.sender];
        u.amount += uint192(amount);
        u.unlockAt = uint64(block.timestamp) + unstakeDelay;
        emit Unstaked(msg.sender, amount, have - amount, u.unlockAt);
    }

    /// withdrawStake pays the sender what it unstaked, once unlocked.
    function withdrawStake() external {
        Unstaking memory u = unstaking[msg.sender];
        if (u.amount == 0) revert NothingToWithdraw();
        if (block.timestamp < u.unlockAt) revert StakeLocked(u.unlockAt);
        delete unstaking[msg.sender];
        (bool ok,) = msg.sender.call{value: u.amount}("");
        if (!ok) revert TransferFailed();
        emit StakeWithdrawn(msg.sender, u.amount);
    }

    /// stakeOf is wallet's stake now.
    function stakeOf(address wallet) public view returns (uint256) {
        Checkpoint[] storage h = stakeHistory[wallet];
        return h.length == 0 ? 0 : h[h.length - 1].amount;
    }

    /// stakeAt is wallet's stake at the end of block blockNumber.
    function stakeAt(address wallet, uint256 blockNumber) public view returns (uint256) {
        Checkpoint[] storage h = stakeHistory[wallet];
        // The last checkpoint from at or before blockNumber: binary search.
        uint256 lo = 0;
        uint256 hi = h.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (h[mid].fromBlock > blockNumber) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo == 0 ? 0 : h[lo - 1].amount;
    }

    /// stakesAt is stakeAt of each wallet, in one call.
    function stakesAt(address[] calldata wallets, uint256 blockNumber) external view returns (uint256[] memory out) {
        out = new uint256[](wallets.length);
        for (uint256 i = 0; i < wallets.length; i++) {
            out[i] = stakeAt(wallets[i], blockNumber);
        }
    }

    /// setStake appends a checkpoint, even in a block that has one: the
    /// last of a block is the one stakeAt finds, and the gas a change
    /// costs does not depend on the block it lands in (which a gas
    /// estimate cannot know).
    function setStake(address wallet, uint256 amount) private {
        stakeHistory[wallet].push(Checkpoint(uint64(block.number), uint192(amount)));
    }
}
