#!/usr/bin/env node
// Compiles every *.sol file beside this script with the pinned solc npm
// package (standard JSON) and writes, for each deployable contract,
// <out>/<Name>.abi (ABI JSON) and <out>/<Name>.bin (creation bytecode, hex,
// no 0x, no newline). Usage: node compile.js [--out DIR]  (default: build)
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

// The contracts Deploy puts on chain, then apps/pay's (deployed by
// pay.Deploy) and apps/relay's (relay.Deploy); interfaces are not written
// out.
const DEPLOYABLE = [
  'ENSRegistry',
  'PublicResolver',
  'FIFSRegistrar',
  'ReverseRegistrar',
  'DIDRegistry',
  'NetworkPasses',
  'PaymentChannels',
  'TestToken',
  'RelayCredits',
];

function main() {
  const args = process.argv.slice(2);
  let out = path.join(__dirname, 'build');
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out' && i + 1 < args.length) {
      out = path.resolve(args[++i]);
    } else {
      throw new Error(`unknown argument ${args[i]}`);
    }
  }

  const sources = {};
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.sol')).sort()) {
    sources[file] = { content: fs.readFileSync(path.join(__dirname, file), 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      // cancun runs on mainnet, public testnets and the embedded dev chain.
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      // No source hash in the bytecode: the output depends on the code only.
      metadata: { bytecodeHash: 'none' },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };

  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  let failed = false;
  for (const e of output.errors || []) {
    process.stderr.write(e.formattedMessage || e.message);
    if (e.severity === 'error') failed = true;
  }
  if (failed) process.exit(1);

  fs.mkdirSync(out, { recursive: true });
  for (const name of DEPLOYABLE) {
    let found = null;
    for (const file of Object.keys(output.contracts || {})) {
      if (output.contracts[file][name]) found = output.contracts[file][name];
    }
    if (!found) throw new Error(`contract ${name} not found in compiler output`);
    fs.writeFileSync(path.join(out, `${name}.abi`), JSON.stringify(found.abi, null, 2) + '\n');
    fs.writeFileSync(path.join(out, `${name}.bin`), found.evm.bytecode.object);
  }
  process.stdout.write(`solc ${solc.version()}: wrote ${DEPLOYABLE.length} contracts to ${out}\n`);
}

main();
