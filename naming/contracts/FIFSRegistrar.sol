// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./ENSRegistry.sol";

interface IAddrSetter {
    function setAddr(bytes32 node, address a) external;
}

/// @title FIFSRegistrar: first come, first served names under one top-level
/// node that this registrar owns in the registry. A label is free while its
/// node has no owner; after that only its owner may register it again (to
/// hand it on or reconfigure it in one transaction).
contract FIFSRegistrar {
    IENS public immutable ens;
    bytes32 public immutable rootNode;

    event Registered(bytes32 indexed label, bytes32 indexed node, address owner);

    constructor(IENS registry, bytes32 node) {
        ens = registry;
        rootNode = node;
    }

    modifier available(bytes32 label) {
        address current = ens.owner(keccak256(abi.encodePacked(rootNode, label)));
        require(current == address(0) || current == msg.sender, "registrar: name taken");
        _;
    }

    /// register gives the label's node to owner.
    function register(bytes32 label, address owner) external available(label) {
        bytes32 node = ens.setSubnodeOwner(rootNode, label, owner);
        emit Registered(label, node, owner);
    }

    /// registerWithConfig registers the label, points it at resolver and,
    /// when addr is not zero, sets its addr record, then gives it to owner.
    function registerWithConfig(bytes32 label, address owner, address resolver, address addr)
        external
        available(label)
    {
        bytes32 node = ens.setSubnodeOwner(rootNode, label, address(this));
        ens.setResolver(node, resolver);
        if (addr != address(0)) {
            IAddrSetter(resolver).setAddr(node, addr);
        }
        ens.setOwner(node, owner);
        emit Registered(label, node, owner);
    }
}
