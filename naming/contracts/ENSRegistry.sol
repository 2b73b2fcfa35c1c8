// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IENS: the EIP-137 registry interface, as the ENS registry on
/// mainnet speaks it. A node is the namehash of a name; each node has an
/// owner, a resolver and a TTL.
interface IENS {
    event NewOwner(bytes32 indexed node, bytes32 indexed label, address owner);
    event Transfer(bytes32 indexed node, address owner);
    event NewResolver(bytes32 indexed node, address resolver);
    event NewTTL(bytes32 indexed node, uint64 ttl);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);

    function setRecord(bytes32 node, address owner, address resolver, uint64 ttl) external;
    function setSubnodeRecord(bytes32 node, bytes32 label, address owner, address resolver, uint64 ttl) external;
    function setSubnodeOwner(bytes32 node, bytes32 label, address owner) external returns (bytes32);
    function setResolver(bytes32 node, address resolver) external;
    function setOwner(bytes32 node, address owner) external;
    function setTTL(bytes32 node, uint64 ttl) external;
    function setApprovalForAll(address operator, bool approved) external;
    function owner(bytes32 node) external view returns (address);
    function resolver(bytes32 node) external view returns (address);
    function ttl(bytes32 node) external view returns (uint64);
    function recordExists(bytes32 node) external view returns (bool);
    function isApprovedForAll(address owner, address operator) external view returns (bool);
}

/// @title ENSRegistry: anynet's EIP-137 name registry. The deployer owns the
/// root node; whoever owns a node (or an operator the owner approved) may
/// change its record and hand out its subnodes.
contract ENSRegistry is IENS {
    struct Record {
        address owner;
        address resolver;
        uint64 ttl;
    }

    mapping(bytes32 => Record) private records;
    mapping(address => mapping(address => bool)) private operators;

    modifier authorised(bytes32 node) {
        address nodeOwner = records[node].owner;
        require(nodeOwner == msg.sender || operators[nodeOwner][msg.sender], "ens: not authorised");
        _;
    }

    constructor() {
        records[bytes32(0)].owner = msg.sender;
    }

    function setRecord(bytes32 node, address newOwner, address newResolver, uint64 newTTL) external override {
        setOwner(node, newOwner);
        _setResolverAndTTL(node, newResolver, newTTL);
    }

    function setSubnodeRecord(bytes32 node, bytes32 label, address newOwner, address newResolver, uint64 newTTL)
        external
        override
    {
        bytes32 subnode = setSubnodeOwner(node, label, newOwner);
        _setResolverAndTTL(subnode, newResolver, newTTL);
    }

    function setOwner(bytes32 node, address newOwner) public override authorised(node) {
        records[node].owner = newOwner;
        emit Transfer(node, newOwner);
    }

    function setSubnodeOwner(bytes32 node, bytes32 label, address newOwner)
        public
        override
        authorised(node)
        returns (bytes32)
    {
        bytes32 subnode = keccak256(abi.encodePacked(node, label));
        records[subnode].owner = newOwner;
        emit NewOwner(node, label, newOwner);
        return subnode;
    }

    function setResolver(bytes32 node, address newResolver) public override authorised(node) {
        records[node].resolver = newResolver;
        emit NewResolver(node, newResolver);
    }

    function setTTL(bytes32 node, uint64 newTTL) public override authorised(node) {
        records[node].ttl = newTTL;
        emit NewTTL(node, newTTL);
    }

    function setApprovalForAll(address operator, bool approved) external override {
        operators[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function owner(bytes32 node) public view override returns (address) {
        address nodeOwner = records[node].owner;
        // A registry never reports itself as an owner (as ENS does).
        if (nodeOwner == address(this)) {
            return address(0);
        }
        return nodeOwner;
    }

    function resolver(bytes32 node) external view override returns (address) {
        return records[node].resolver;
    }

    function ttl(bytes32 node) external view override returns (uint64) {
        return records[node].ttl;
    }

    function recordExists(bytes32 node) external view override returns (bool) {
        return records[node].owner != address(0);
    }

    function isApprovedForAll(address nodeOwner, address operator) external view override returns (bool) {
        return operators[nodeOwner][operator];
    }

    function _setResolverAndTTL(bytes32 node, address newResolver, uint64 newTTL) private {
        if (newResolver != records[node].resolver) {
            records[node].resolver = newResolver;
            emit NewResolver(node, newResolver);
        }
        if (newTTL != records[node].ttl) {
            records[node].ttl = newTTL;
            emit NewTTL(node, newTTL);
        }
    }
}
