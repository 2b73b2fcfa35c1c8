// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./ENSRegistry.sol";

interface INameSetter {
    function setName(bytes32 node, string calldata name) external;
}

/// @title ReverseRegistrar: owns addr.reverse (EIP-181). Every account may
/// claim the node "<its lowercase hex address>.addr.reverse" and set the name
/// it calls itself there.
contract ReverseRegistrar {
    /// namehash("addr.reverse")
    bytes32 public constant ADDR_REVERSE_NODE = 0x91d1777781884d03a6757a803996e38de2a42967fb37eeaca72729271025a9e2;

    IENS public immutable ens;
    address public immutable defaultResolver;

    event ReverseClaimed(address indexed addr, bytes32 indexed node);

    constructor(IENS registry, address resolver) {
        ens = registry;
        defaultResolver = resolver;
    }

    /// claim gives the caller's reverse node to owner.
    function claim(address owner) external returns (bytes32) {
        return _claim(msg.sender, owner, address(0));
    }

    /// claimWithResolver gives the caller's reverse node to owner and points
    /// it at resolver (unless resolver is zero).
    function claimWithResolver(address owner, address resolver) external returns (bytes32) {
        return _claim(msg.sender, owner, resolver);
    }

    /// setName points the caller's reverse node at the default resolver and
    /// sets its name record. The registrar keeps the node; claim takes it back.
    function setName(string calldata name) external returns (bytes32) {
        bytes32 reverseNode = _claim(msg.sender, address(this), defaultResolver);
        INameSetter(defaultResolver).setName(reverseNode, name);
        return reverseNode;
    }

    /// node returns the reverse node of addr.
    function node(address addr) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(ADDR_REVERSE_NODE, sha3HexAddress(addr)));
    }

    /// sha3HexAddress is keccak256 of the 40 lowercase hex digits of addr.
    function sha3HexAddress(address addr) public pure returns (bytes32) {
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(40);
        uint160 v = uint160(addr);
        for (uint256 i = 40; i > 0; i--) {
            out[i - 1] = digits[v & 0xf];
            v >>= 4;
        }
        return keccak256(out);
    }

    function _claim(address addr, address owner, address resolver) private returns (bytes32) {
        bytes32 label = sha3HexAddress(addr);
        bytes32 reverseNode = keccak256(abi.encodePacked(ADDR_REVERSE_NODE, label));
        if (resolver != address(0) && resolver != ens.resolver(reverseNode)) {
            ens.setSubnodeOwner(ADDR_REVERSE_NODE, label, address(this));
            ens.setResolver(reverseNode, resolver);
        }
        ens.setSubnodeOwner(ADDR_REVERSE_NODE, label, owner);
        emit ReverseClaimed(addr, reverseNode);
        return reverseNode;
    }
}
