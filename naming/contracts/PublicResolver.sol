// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./ENSRegistry.sol";

interface IERC165 {
    function supportsInterface(bytes4 interfaceID) external view returns (bool);
}

/// EIP-137 addr record (interface id 0x3b3b57de).
interface IAddrResolver {
    function addr(bytes32 node) external view returns (address payable);
}

/// ENSIP-9 multicoin address record (interface id 0xf1cb7e06).
interface IAddressResolver {
    function addr(bytes32 node, uint256 coinType) external view returns (bytes memory);
}

/// ENSIP-5 text record (interface id 0x59d1d43c).
interface ITextResolver {
    function text(bytes32 node, string calldata key) external view returns (string memory);
}

/// ENSIP-7 content hash (interface id 0xbc1c58d1).
interface IContentHashResolver {
    function contenthash(bytes32 node) external view returns (bytes memory);
}

/// EIP-181 reverse name record (interface id 0x691f3431).
interface INameResolver {
    function name(bytes32 node) external view returns (string memory);
}

/// ENSIP-10 extended resolver (interface id 0x9061b923).
interface IExtendedResolver {
    function resolve(bytes calldata name, bytes calldata data) external view returns (bytes memory);
}

/// @title PublicResolver: one resolver for every name whose owner points the
/// registry at it. Records may be written by the node's owner in the
/// registry or by an operator that owner approved there.
///
/// Wildcards (ENSIP-10): records written on the node of "*.parent" answer,
/// through resolve(bytes,bytes), for every name below "parent" that has no
/// records of its own; the nearest wildcard wins.
contract PublicResolver is
    IERC165,
    IAddrResolver,
    IAddressResolver,
    ITextResolver,
    IContentHashResolver,
    INameResolver,
    IExtendedResolver
{
    uint256 private constant COIN_TYPE_ETH = 60;
    bytes32 private constant WILDCARD_LABEL = keccak256("*");

    event AddrChanged(bytes32 indexed node, address a);
    event AddressChanged(bytes32 indexed node, uint256 coinType, bytes newAddress);
    event TextChanged(bytes32 indexed node, string indexed indexedKey, string key, string value);
    event ContenthashChanged(bytes32 indexed node, bytes hash);
    event NameChanged(bytes32 indexed node, string name);

    IENS public immutable ens;

    mapping(bytes32 => mapping(uint256 => bytes)) private addresses;
    mapping(bytes32 => mapping(string => string)) private texts;
    mapping(bytes32 => bytes) private hashes;
    mapping(bytes32 => string) private names;
    /// hasRecords is true once any record was written for a node.
    mapping(bytes32 => bool) public hasRecords;

    constructor(IENS registry) {
        ens = registry;
    }

    modifier authorised(bytes32 node) {
        require(isAuthorised(node), "resolver: not authorised");
        _;
        hasRecords[node] = true;
    }

    function isAuthorised(bytes32 node) public view returns (bool) {
        address nodeOwner = ens.owner(node);
        return nodeOwner == msg.sender || ens.isApprovedForAll(nodeOwner, msg.sender);
    }

    // --- addresses ---

    function setAddr(bytes32 node, address a) external authorised(node) {
        _setAddr(node, COIN_TYPE_ETH, abi.encodePacked(a));
    }

    function setAddr(bytes32 node, uint256 coinType, bytes memory a) external authorised(node) {
        if (coinType == COIN_TYPE_ETH) {
            require(a.length == 0 || a.length == 20, "resolver: bad eth address");
        }
        _setAddr(node, coinType, a);
    }

    function addr(bytes32 node) public view override returns (address payable) {
        bytes memory a = addresses[node][COIN_TYPE_ETH];
        if (a.length != 20) {
            return payable(address(0));
        }
        return payable(address(bytes20(a)));
    }

    function addr(bytes32 node, uint256 coinType) external view override returns (bytes memory) {
        return addresses[node][coinType];
    }

    function _setAddr(bytes32 node, uint256 coinType, bytes memory a) private {
        emit AddressChanged(node, coinType, a);
        if (coinType == COIN_TYPE_ETH) {
            emit AddrChanged(node, a.length == 20 ? address(bytes20(a)) : address(0));
        }
        addresses[node][coinType] = a;
    }

    // --- text, content hash, name ---

    function setText(bytes32 node, string calldata key, string calldata value) external authorised(node) {
        texts[node][key] = value;
        emit TextChanged(node, key, key, value);
    }

    function text(bytes32 node, string calldata key) external view override returns (string memory) {
        return texts[node][key];
    }

    function setContenthash(bytes32 node, bytes calldata hash) external authorised(node) {
        hashes[node] = hash;
        emit ContenthashChanged(node, hash);
    }

    function contenthash(bytes32 node) external view override returns (bytes memory) {
        return hashes[node];
    }

    function setName(bytes32 node, string calldata newName) external authorised(node) {
        names[node] = newName;
        emit NameChanged(node, newName);
    }

    function name(bytes32 node) external view override returns (string memory) {
        return names[node];
    }

    // --- ENSIP-10 ---

    /// resolve answers `data` (an ABI-encoded call whose first argument is
    /// the namehash of `dnsName`) for the nearest node that has records: the
    /// name itself, else "*.<suffix>" for ever shorter suffixes.
    function resolve(bytes calldata dnsName, bytes calldata data) external view override returns (bytes memory) {
        require(data.length >= 36, "resolver: short call");
        bytes32[] memory suffixes = _suffixNodes(dnsName);
        bytes32 target = suffixes[0];
        if (!hasRecords[target]) {
            for (uint256 i = 1; i < suffixes.length; i++) {
                bytes32 wildcard = keccak256(abi.encodePacked(suffixes[i], WILDCARD_LABEL));
                if (hasRecords[wildcard]) {
                    target = wildcard;
                    break;
                }
            }
        }
        (bool ok, bytes memory result) = address(this).staticcall(abi.encodePacked(data[:4], target, data[36:]));
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
        return result;
    }

    /// _suffixNodes parses a DNS-encoded name and returns the namehash of
    /// every suffix: [name, parent, grandparent, ..., root].
    function _suffixNodes(bytes calldata dnsName) private pure returns (bytes32[] memory nodes) {
        uint256[] memory starts = new uint256[](dnsName.length);
        uint256 count = 0;
        uint256 offset = 0;
        while (true) {
            require(offset < dnsName.length, "resolver: bad dns name");
            uint256 len = uint8(dnsName[offset]);
            if (len == 0) {
                require(offset + 1 == dnsName.length, "resolver: bad dns name");
                break;
            }
            require(offset + 1 + len < dnsName.length, "resolver: bad dns name");
            starts[count++] = offset;
            offset += 1 + len;
        }
        nodes = new bytes32[](count + 1);
        bytes32 node = bytes32(0);
        nodes[count] = node;
        for (uint256 i = count; i > 0; i--) {
            uint256 start = starts[i - 1];
            uint256 len = uint8(dnsName[start]);
            node = keccak256(abi.encodePacked(node, keccak256(dnsName[start + 1:start + 1 + len])));
            nodes[i - 1] = node;
        }
    }

    // --- ERC-165 ---

    function supportsInterface(bytes4 id) external pure override returns (bool) {
        return id == type(IERC165).interfaceId || id == type(IAddrResolver).interfaceId
            || id == type(IAddressResolver).interfaceId || id == type(ITextResolver).interfaceId
            || id == type(IContentHashResolver).interfaceId || id == type(INameResolver).interfaceId
            || id == type(IExtendedResolver).interfaceId;
    }
}
