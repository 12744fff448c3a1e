// The local plugin that writes checks/ compiled (and the holiday library) into .stalewatch/ when a
// package or a local invoke starts; serverless/config.js computes them during variable resolution.
module.exports = require('./config.js').CompileChecksPlugin;
