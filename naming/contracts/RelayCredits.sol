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

    event GuardianSet(address indexed guardian, bool allowed);
    event Committed(uint64 indexed epoch, bytes32 root, uint256 total, address indexed guardian);
    event Claimed(uint64 indexed epoch, address indexed edge, uint256 amount);
    event Withdrawn(address indexed edge, uint256 amount);

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

    constructor() {
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
}
