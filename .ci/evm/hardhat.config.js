// The JSON-RPC EVM node for capool's chain tests (tests/evm_node.py starts `hardhat node`
// here). The tests hand their funded accounts' keys over in CAPOOL_EVM_ACCOUNTS.
const keys = JSON.parse(process.env.CAPOOL_EVM_ACCOUNTS || "[]");
const hardhat = { chainId: 31337, hardfork: "cancun" };
if (keys.length) {
  hardhat.accounts = keys.map((privateKey) => ({ privateKey, balance: "1000000000000000000000000" }));
}
module.exports = { networks: { hardhat } };
