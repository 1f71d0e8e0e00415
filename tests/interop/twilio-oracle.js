#!/usr/bin/env node
// Line-delimited JSON oracle over stdin/stdout, backed by the official `twilio` helper library. The .NET interop tests
// start one process per test class and send one request per line: {"id":1,"op":"sign",...} -> {"id":1,"ok":true,"result":...}.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const twilio = require('twilio');

const webhooks = twilio;   // getExpectedTwilioSignature, validateRequest, ... are re-exported at the top level
const typesFile = path.join(path.dirname(require.resolve('twilio/package.json')), 'lib', 'twiml', 'VoiceResponse.d.ts');
const typings = fs.readFileSync(typesFile, 'utf8');

// Attribute names per TwiML element, read from the library's TypeScript interfaces (e.g. `interface SayAttributes`).
const attributeNames = new Map();
for (const match of typings.matchAll(/export interface (\w+)Attributes \{([\s\S]*?)\n\s*\}/g)) {
  const names = attributeNames.get(match[1]) || new Set();
  for (const property of match[2].matchAll(/^\s*(\w+)\?:/gm)) names.add(property[1]);
  attributeNames.set(match[1], names);
}

function union(typeName) {
  const match = new RegExp(`type ${typeName} = ([^;]*);`).exec(typings);
  if (!match) throw new Error(`type ${typeName} not found in ${typesFile}`);
  return [...match[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
}

function lowerFirst(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

// Rebuilds a TwiML tree by calling the library's verb methods; a verb or noun the library does not offer under that
// parent fails, and every attribute name is checked against the element's TypeScript attribute interface.
function rebuild(tree) {
  if (tree.name !== 'Response') throw new Error(`root element is <${tree.name}>, not <Response>`);
  if (tree.attributes.length > 0) throw new Error('<Response> takes no attributes');
  const problems = [];
  const response = new twilio.twiml.VoiceResponse();
  const visit = (parent, parentName, node) => {
    const method = lowerFirst(node.name);
    if (typeof parent[method] !== 'function') {
      problems.push(`<${parentName}> has no <${node.name}> child in the twilio library`);
      return;
    }
    const known = attributeNames.get(node.name);
    const attributes = {};
    for (const [name, value] of node.attributes) {
      if (!known || !known.has(name)) problems.push(`<${node.name}> has no attribute '${name}' in the twilio library`);
      attributes[name] = value;
    }
    const child = node.text === null || node.text === undefined
      ? parent[method](attributes)
      : parent[method](attributes, node.text);
    for (const grandChild of node.children) visit(child, node.name, grandChild);
  };
  for (const node of tree.children) visit(response, 'Response', node);
  return { xml: response.toString(), problems };
}

const operations = {
  sign: (r) => webhooks.getExpectedTwilioSignature(r.token, r.url, r.params || {}),
  validate: (r) => webhooks.validateRequest(r.token, r.signature, r.url, r.params || {}),
  validateWithBody: (r) => webhooks.validateRequestWithBody(r.token, r.signature, r.url, r.body),
  bodyHash: (r) => webhooks.getExpectedBodyHash(r.body),
  twiml: (r) => rebuild(r.tree),
  sayVocabulary: () => ({ voices: union('SayVoice'), languages: union('SayLanguage') }),
  version: () => require('twilio/package.json').version,
};

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  let request;
  try {
    request = JSON.parse(line);
    const operation = operations[request.op];
    if (!operation) throw new Error(`unknown op '${request.op}'`);
    process.stdout.write(JSON.stringify({ id: request.id, ok: true, result: operation(request) }) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ id: request && request.id, ok: false, error: String(error && error.stack || error) }) + '\n');
  }
});
