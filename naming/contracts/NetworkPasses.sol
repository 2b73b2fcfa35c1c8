// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC165Passes {
    function supportsInterface(bytes4 interfaceID) external view returns (bool);
}

interface IERC721 {
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);

    function balanceOf(address owner) external view returns (uint256);
    function ownerOf(uint256 tokenId) external view returns (address);
    function safeTransferFrom(address from, address to, uint256 tokenId, bytes calldata data) external;
    function safeTransferFrom(address from, address to, uint256 tokenId) external;
    function transferFrom(address from, address to, uint256 tokenId) external;
    function approve(address approved, uint256 tokenId) external;
    function setApprovalForAll(address operator, bool approved) external;
    function getApproved(uint256 tokenId) external view returns (address);
    function isApprovedForAll(address owner, address operator) external view returns (bool);
}

interface IERC721Metadata {
    function name() external view returns (string memory);
    function symbol() external view returns (string memory);
    function tokenURI(uint256 tokenId) external view returns (string memory);
}

interface IERC721Receiver {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4);
}

/// @title NetworkPasses: ERC-721 tokens, each the right to a prefix of the
/// 256-bit locator space (prefix, length in bits). The admin (deployer)
/// mints root passes that do not overlap. A holder subdivides a pass into
/// longer prefixes inside it that do not overlap its other children, sells
/// them at a fixed price (offer/buy) or transfers them, and publishes the
/// underlay endpoints of the routers that serve the prefix (setRouters).
/// passFor(locator) answers the deepest pass holding a locator.
///
/// Token ids count from 1; 0 means "none". A prefix is canonical: its bits
/// past len are zero. A transfer clears the pass's offer, approval and
/// routers.
contract NetworkPasses is IERC165Passes, IERC721, IERC721Metadata {
    struct Pass {
        bytes32 prefix;
        uint8 len;
        uint256 parent;
    }

    address public immutable admin;
    uint256 public totalSupply;

    mapping(uint256 => Pass) private _passes;
    mapping(uint256 => uint256[]) private _children;
    uint256[] private _roots;

    mapping(uint256 => address) private _owners;
    mapping(address => uint256) private _balances;
    mapping(uint256 => address) private _approvals;
    mapping(address => mapping(address => bool)) private _operators;

    /// offers holds the asking price in wei of a pass for sale (0: not for sale).
    mapping(uint256 => uint256) public offers;
    mapping(uint256 => string[]) private _routers;

    event PassCreated(uint256 indexed id, uint256 indexed parent, bytes32 prefix, uint8 len);
    event Offered(uint256 indexed id, uint256 price);
    event Sold(uint256 indexed id, address indexed seller, address indexed buyer, uint256 price);
    event RoutersChanged(uint256 indexed id, string[] endpoints);

    constructor() {
        admin = msg.sender;
    }

    modifier onlyHolder(uint256 id) {
        require(_isApprovedOrOwner(msg.sender, id), "passes: not holder");
        _;
    }

    // --- passes ---

    /// mint creates a root pass for to; only the admin mints.
    function mint(address to, bytes32 prefix, uint8 len) external returns (uint256) {
        require(msg.sender == admin, "passes: not admin");
        _checkFree(_roots, prefix, len);
        return _create(to, 0, prefix, len);
    }

    /// subdivide creates a pass inside parentId, owned by parentId's holder.
    function subdivide(uint256 parentId, bytes32 prefix, uint8 len) external onlyHolder(parentId) returns (uint256) {
        Pass storage parent = _passes[parentId];
        require(len > parent.len, "passes: not longer than parent");
        require(prefix & _mask(parent.len) == parent.prefix, "passes: outside parent");
        _checkFree(_children[parentId], prefix, len);
        return _create(_owners[parentId], parentId, prefix, len);
    }

    function pass(uint256 id) external view returns (bytes32 prefix, uint8 len, uint256 parent) {
        require(_owners[id] != address(0), "passes: no such pass");
        Pass storage p = _passes[id];
        return (p.prefix, p.len, p.parent);
    }

    function childrenOf(uint256 id) external view returns (uint256[] memory) {
        return _children[id];
    }

    function roots() external view returns (uint256[] memory) {
        return _roots;
    }

    /// passFor returns the deepest pass whose prefix holds locator, or 0.
    function passFor(bytes32 locator) external view returns (uint256 found) {
        uint256[] storage level = _roots;
        while (true) {
            uint256 next = 0;
            for (uint256 i = 0; i < level.length; i++) {
                Pass storage p = _passes[level[i]];
                if (locator & _mask(p.len) == p.prefix) {
                    next = level[i];
                    break;
                }
            }
            if (next == 0) {
                return found;
            }
            found = next;
            level = _children[next];
        }
    }

    // --- market ---

    /// offer puts a pass up for sale at price wei; price 0 withdraws it.
    function offer(uint256 id, uint256 price) external {
        require(_owners[id] == msg.sender, "passes: not owner");
        offers[id] = price;
        emit Offered(id, price);
    }

    /// buy pays the asking price to the holder and takes the pass.
    function buy(uint256 id) external payable {
        uint256 price = offers[id];
        require(price != 0, "passes: not for sale");
        require(msg.value == price, "passes: wrong price");
        address seller = _owners[id];
        _transfer(seller, msg.sender, id);
        emit Sold(id, seller, msg.sender, price);
        (bool ok,) = payable(seller).call{value: price}("");
        require(ok, "passes: payment failed");
    }

    // --- routers ---

    function setRouters(uint256 id, string[] calldata endpoints) external onlyHolder(id) {
        delete _routers[id];
        for (uint256 i = 0; i < endpoints.length; i++) {
            _routers[id].push(endpoints[i]);
        }
        emit RoutersChanged(id, endpoints);
    }

    function routers(uint256 id) external view returns (string[] memory) {
        return _routers[id];
    }

    // --- ERC-721 ---

    function balanceOf(address owner) external view override returns (uint256) {
        require(owner != address(0), "passes: zero address");
        return _balances[owner];
    }

    function ownerOf(uint256 id) public view override returns (address) {
        address owner = _owners[id];
        require(owner != address(0), "passes: no such pass");
        return owner;
    }

    function safeTransferFrom(address from, address to, uint256 id, bytes calldata data) external override {
        _safeTransferFrom(from, to, id, data);
    }

    function safeTransferFrom(address from, address to, uint256 id) external override {
        _safeTransferFrom(from, to, id, "");
    }

    function transferFrom(address from, address to, uint256 id) public override onlyHolder(id) {
        require(_owners[id] == from, "passes: wrong from");
        _transfer(from, to, id);
    }

    function approve(address approved, uint256 id) external override {
        address owner = ownerOf(id);
        require(msg.sender == owner || _operators[owner][msg.sender], "passes: not owner");
        _approvals[id] = approved;
        emit Approval(owner, approved, id);
    }

    function setApprovalForAll(address operator, bool approved) external override {
        _operators[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function getApproved(uint256 id) external view override returns (address) {
        ownerOf(id);
        return _approvals[id];
    }

    function isApprovedForAll(address owner, address operator) external view override returns (bool) {
        return _operators[owner][operator];
    }

    function name() external pure override returns (string memory) {
        return "anynet network pass";
    }

    function symbol() external pure override returns (string memory) {
        return "ANYPASS";
    }

    function tokenURI(uint256 id) external view override returns (string memory) {
        ownerOf(id);
        return "";
    }

    function supportsInterface(bytes4 id) external pure override returns (bool) {
        return id == type(IERC165Passes).interfaceId || id == type(IERC721).interfaceId
            || id == type(IERC721Metadata).interfaceId;
    }

    // --- internals ---

    function _create(address to, uint256 parentId, bytes32 prefix, uint8 len) private returns (uint256 id) {
        require(to != address(0), "passes: zero address");
        id = ++totalSupply;
        _passes[id] = Pass(prefix, len, parentId);
        if (parentId == 0) {
            _roots.push(id);
        } else {
            _children[parentId].push(id);
        }
        _owners[id] = to;
        _balances[to]++;
        emit Transfer(address(0), to, id);
        emit PassCreated(id, parentId, prefix, len);
    }

    /// _checkFree requires (prefix, len) to be canonical and to overlap none
    /// of the passes in siblings.
    function _checkFree(uint256[] storage siblings, bytes32 prefix, uint8 len) private view {
        require(prefix & ~_mask(len) == bytes32(0), "passes: prefix not canonical");
        for (uint256 i = 0; i < siblings.length; i++) {
            Pass storage s = _passes[siblings[i]];
            bytes32 m = _mask(s.len < len ? s.len : len);
            require(s.prefix & m != prefix & m, "passes: overlaps");
        }
    }

    function _mask(uint8 len) private pure returns (bytes32) {
        if (len == 0) {
            return bytes32(0);
        }
        return bytes32(type(uint256).max << (256 - uint256(len)));
    }

    function _isApprovedOrOwner(address who, uint256 id) private view returns (bool) {
        address owner = _owners[id];
        require(owner != address(0), "passes: no such pass");
        return who == owner || _approvals[id] == who || _operators[owner][who];
    }

    function _transfer(address from, address to, uint256 id) private {
        require(to != address(0), "passes: zero address");
        delete _approvals[id];
        delete offers[id];
        delete _routers[id];
        _balances[from]--;
        _balances[to]++;
        _owners[id] = to;
        emit Transfer(from, to, id);
    }

    function _safeTransferFrom(address from, address to, uint256 id, bytes memory data) private {
        transferFrom(from, to, id);
        if (to.code.length > 0) {
            bytes4 answer = IERC721Receiver(to).onERC721Received(msg.sender, from, id, data);
            require(answer == IERC721Receiver.onERC721Received.selector, "passes: receiver refused");
        }
    }
}
