// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DIDRegistry: an ERC-1056 (did:ethr) registry. Its ABI is the one of
/// the registry deployed on mainnet at 0xdca7ef03e98e0dc2b855be647c39abe984fcf21b,
/// so one client reads both.
///
/// Every identity (an address) owns itself until it names another owner.
/// The owner adds delegates and attributes with a validity in seconds;
/// attributes live only in events. changed[identity] is the block of the
/// identity's last change and every event carries the block of the change
/// before it (previousChange), so a reader walks the history backwards
/// reading one block at a time.
///
/// The ...Signed variants let anyone submit a change the owner signed:
/// keccak256(0x19 0x00 registry nonce[owner] identity <verb> <args...>),
/// packed, with verb one of "changeOwner", "addDelegate", "revokeDelegate",
/// "setAttribute", "revokeAttribute".
contract DIDRegistry {
    mapping(address => address) public owners;
    mapping(address => mapping(bytes32 => mapping(address => uint256))) public delegates;
    mapping(address => uint256) public changed;
    mapping(address => uint256) public nonce;

    event DIDOwnerChanged(address indexed identity, address owner, uint256 previousChange);

    event DIDDelegateChanged(
        address indexed identity, bytes32 delegateType, address delegate, uint256 validTo, uint256 previousChange
    );

    event DIDAttributeChanged(
        address indexed identity, bytes32 name, bytes value, uint256 validTo, uint256 previousChange
    );

    modifier onlyOwner(address identity, address actor) {
        require(actor == identityOwner(identity), "did: not owner");
        _;
    }

    function identityOwner(address identity) public view returns (address) {
        address owner = owners[identity];
        if (owner == address(0)) {
            return identity;
        }
        return owner;
    }

    function validDelegate(address identity, bytes32 delegateType, address delegate) public view returns (bool) {
        return delegates[identity][keccak256(abi.encodePacked(delegateType))][delegate] > block.timestamp;
    }

    // --- owner ---

    function changeOwner(address identity, address newOwner) public {
        _changeOwner(identity, msg.sender, newOwner);
    }

    function changeOwnerSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, address newOwner) public {
        bytes32 hash = keccak256(
            abi.encodePacked(
                bytes1(0x19), bytes1(0), address(this), nonce[identityOwner(identity)], identity, "changeOwner", newOwner
            )
        );
        _changeOwner(identity, _signer(identity, sigV, sigR, sigS, hash), newOwner);
    }

    function _changeOwner(address identity, address actor, address newOwner) private onlyOwner(identity, actor) {
        owners[identity] = newOwner;
        emit DIDOwnerChanged(identity, newOwner, changed[identity]);
        changed[identity] = block.number;
    }

    // --- delegates ---

    function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) public {
        _addDelegate(identity, msg.sender, delegateType, delegate, validity);
    }

    function addDelegateSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 delegateType,
        address delegate,
        uint256 validity
    ) public {
        bytes32 hash = keccak256(
            abi.encodePacked(
                bytes1(0x19),
                bytes1(0),
                address(this),
                nonce[identityOwner(identity)],
                identity,
                "addDelegate",
                delegateType,
                delegate,
                validity
            )
        );
        _addDelegate(identity, _signer(identity, sigV, sigR, sigS, hash), delegateType, delegate, validity);
    }

    function _addDelegate(address identity, address actor, bytes32 delegateType, address delegate, uint256 validity)
        private
        onlyOwner(identity, actor)
    {
        uint256 validTo = block.timestamp + validity;
        delegates[identity][keccak256(abi.encodePacked(delegateType))][delegate] = validTo;
        emit DIDDelegateChanged(identity, delegateType, delegate, validTo, changed[identity]);
        changed[identity] = block.number;
    }

    function revokeDelegate(address identity, bytes32 delegateType, address delegate) public {
        _revokeDelegate(identity, msg.sender, delegateType, delegate);
    }

    function revokeDelegateSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 delegateType,
        address delegate
    ) public {
        bytes32 hash = keccak256(
            abi.encodePacked(
                bytes1(0x19),
                bytes1(0),
                address(this),
                nonce[identityOwner(identity)],
                identity,
                "revokeDelegate",
                delegateType,
                delegate
            )
        );
        _revokeDelegate(identity, _signer(identity, sigV, sigR, sigS, hash), delegateType, delegate);
    }

    function _revokeDelegate(address identity, address actor, bytes32 delegateType, address delegate)
        private
        onlyOwner(identity, actor)
    {
        delegates[identity][keccak256(abi.encodePacked(delegateType))][delegate] = block.timestamp;
        emit DIDDelegateChanged(identity, delegateType, delegate, block.timestamp, changed[identity]);
        changed[identity] = block.number;
    }

    // --- attributes ---

    function setAttribute(address identity, bytes32 name, bytes memory value, uint256 validity) public {
        _setAttribute(identity, msg.sender, name, value, validity);
    }

    function setAttributeSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 name,
        bytes memory value,
        uint256 validity
    ) public {
        bytes32 hash = keccak256(
            abi.encodePacked(
                bytes1(0x19),
                bytes1(0),
                address(this),
                nonce[identityOwner(identity)],
                identity,
                "setAttribute",
                name,
                value,
                validity
            )
        );
        _setAttribute(identity, _signer(identity, sigV, sigR, sigS, hash), name, value, validity);
    }

    function _setAttribute(address identity, address actor, bytes32 name, bytes memory value, uint256 validity)
        private
        onlyOwner(identity, actor)
    {
        emit DIDAttributeChanged(identity, name, value, block.timestamp + validity, changed[identity]);
        changed[identity] = block.number;
    }

    function revokeAttribute(address identity, bytes32 name, bytes memory value) public {
        _revokeAttribute(identity, msg.sender, name, value);
    }

    function revokeAttributeSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 name,
        bytes memory value
    ) public {
        bytes32 hash = keccak256(
            abi.encodePacked(
                bytes1(0x19), bytes1(0), address(this), nonce[identityOwner(identity)], identity, "revokeAttribute", name, value
            )
        );
        _revokeAttribute(identity, _signer(identity, sigV, sigR, sigS, hash), name, value);
    }

    function _revokeAttribute(address identity, address actor, bytes32 name, bytes memory value)
        private
        onlyOwner(identity, actor)
    {
        emit DIDAttributeChanged(identity, name, value, 0, changed[identity]);
        changed[identity] = block.number;
    }

    /// _signer recovers the signer of hash, requires it to be the identity's
    /// owner and spends one of its nonces.
    function _signer(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, bytes32 hash)
        private
        returns (address)
    {
        address signer = ecrecover(hash, sigV, sigR, sigS);
        require(signer != address(0) && signer == identityOwner(identity), "did: bad signature");
        nonce[signer]++;
        return signer;
    }
}
