#!/usr/bin/env node
// Reads what an anynet node published with the standard clients: ethers v6
// (resolveName, lookupAddress, getResolver().getText) and
// ethr-did-resolver (the wallet's DID document). Prints one JSON object;
// the Go test compares it with what the node says it published.
//
// Usage: node check.mjs '{"url": "...", "chainId": 1337, "registry": "0x...",
//   "didRegistry": "0x...", "name": "alice.eth", "wallet": "0x...",
//   "did": "did:ethr:0x539:0x...", "texts": ["url"]}'
import { JsonRpcProvider, Network, EnsPlugin } from 'ethers';
import { Resolver } from 'did-resolver';
import { getResolver } from 'ethr-did-resolver';

const arg = JSON.parse(process.argv[2]);
const network = new Network('anynet', arg.chainId);
network.attachPlugin(new EnsPlugin(arg.registry, arg.chainId));
const provider = new JsonRpcProvider(arg.url, network, { staticNetwork: network });

const out = {};
out.address = await provider.resolveName(arg.name);
out.reverse = await provider.lookupAddress(arg.wallet);
out.texts = {};
const resolver = await provider.getResolver(arg.name);
for (const k of arg.texts || []) {
	out.texts[k] = resolver ? await resolver.getText(k) : null;
}
const dids = new Resolver(getResolver({
	networks: [{ name: '0x' + arg.chainId.toString(16), chainId: arg.chainId, provider, registry: arg.didRegistry }],
}));
out.did = await dids.resolve(arg.did);
process.stdout.write(JSON.stringify(out) + '\n');
provider.destroy();
