// A member scenario against a running MediaMesh (the compose smoke test drives it through the
// gateway's published port). Loads the contracts from protos/ at run time, like member-call.js.
//
//   node compose-scenario.js setup  STATE   coordinator (MEDIAMESH_API_KEY) creates and activates a member
//                                           and its key, offers an item with a small rendition (uploaded,
//                                           verified), the member gets a licence and downloads the bytes;
//                                           ids and the file's SHA-256 go to the STATE file (JSON)
//   node compose-scenario.js verify STATE   the rows (organisation, offer, licence) and the media bytes of
//                                           STATE are still there: read back and downloaded again
//   node compose-scenario.js load   STATE STOPFILE
//                                           keeps calling (organization and exchange, in turn) until STOPFILE
//                                           exists; a call that fails is retried with backoff for up to 60 s
//                                           before it counts as failed; prints "calls: N, retried: N, failed: N"
//
// MEDIAMESH_GATEWAY (default localhost:5100). Exit 0 when everything behaved as the contracts say.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const gateway = process.env.MEDIAMESH_GATEWAY || 'localhost:5100';
const protosRoot = path.resolve(__dirname, '..', '..', 'protos');
const definition = protoLoader.loadSync(
  ['mediamesh/organization/v1/organization_service.proto', 'mediamesh/exchange/v1/exchange_service.proto'],
  { includeDirs: [protosRoot], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true },
);
const loaded = grpc.loadPackageDefinition(definition);
const credentials = grpc.credentials.createInsecure();
const clients = {
  organization: new loaded.mediamesh.organization.v1.OrganizationService(gateway, credentials),
  offers: new loaded.mediamesh.exchange.v1.OfferService(gateway, credentials),
  media: new loaded.mediamesh.exchange.v1.MediaService(gateway, credentials),
  licensing: new loaded.mediamesh.exchange.v1.LicensingService(gateway, credentials),
};

function metadataFor(key) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${key}`);
  return metadata;
}

function call(client, method, request, key, seconds = 20) {
  const deadline = new Date(Date.now() + seconds * 1000);
  return new Promise((resolve, reject) => {
    clients[client][method](request, metadataFor(key), { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function upload(renditionId, bytes, key) {
  return new Promise((resolve, reject) => {
    const stream = clients.media.UploadRendition(metadataFor(key), { deadline: new Date(Date.now() + 60_000) },
      (error, response) => (error ? reject(error) : resolve(response)));
    stream.write({ target: { rendition_id: renditionId, offset: 0 } });
    for (let offset = 0; offset < bytes.length; offset += 256 * 1024) {
      stream.write({ data: bytes.subarray(offset, offset + 256 * 1024) });
    }
    stream.end();
  });
}

function download(renditionId, key) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const stream = clients.media.DownloadRendition({ id: renditionId, offset: 0, chunk_size: 0 }, metadataFor(key),
      { deadline: new Date(Date.now() + 60_000) });
    stream.on('data', (message) => chunks.push(message.data));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');
const text = (value) => [{ language: 'en', text: value, original: true }];
const now = () => ({ seconds: String(Math.floor(Date.now() / 1000) - 3600), nanos: 0 });

function expect(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function setup(stateFile) {
  const coordinatorKey = process.env.MEDIAMESH_API_KEY;
  expect(coordinatorKey, 'set MEDIAMESH_API_KEY to the coordinator key printed by bootstrap');

  const created = await call('organization', 'CreateOrganization', {
    organization: { kind: 'ORGANIZATION_KIND_BROADCASTER', names: text('Compose Smoke Broadcaster'), country_code: 'KE', working_languages: ['en', 'sw'] },
  }, coordinatorKey);
  const memberId = created.organization.id;
  await call('organization', 'ActivateOrganization', { id: memberId }, coordinatorKey);
  const memberKey = (await call('organization', 'CreateApiKey', { organization_id: memberId, display_name: 'compose smoke' }, coordinatorKey)).secret;
  console.log(`member ${memberId} created, activated, key issued`);

  const draft = (await call('offers', 'CreateOffer', {
    offer: {
      type: 'OFFER_TYPE_NEWS_VIDEO',
      headlines: text('Harvest festival in the highlands'),
      descriptions: [{ language: 'en', role: 'DESCRIPTION_ROLE_SUMMARY', text: 'Villages celebrate the first harvest.' }],
      slugline: 'COMPOSE-SMOKE/harvest',
      audio_languages: ['en'],
      subjects: ['medtop:20000002'],
      located: { country_code: 'MY', city: 'Cameron Highlands' },
      copyright_holder: 'Compose Smoke',
      duration: { seconds: '60', nanos: 0 },
      rights: { permitted_uses: ['USAGE_KIND_BROADCAST', 'USAGE_KIND_ONLINE'], approval: { mode: 'APPROVAL_MODE_AUTO' } },
    },
  }, coordinatorKey)).offer;

  const bytes = crypto.randomBytes(1024 * 1024 + 4321);
  const digest = sha256(bytes);
  const rendition = (await call('media', 'CreateRendition', {
    rendition: { offer_id: draft.id, kind: 'RENDITION_KIND_PROXY', file_name: 'harvest.mp4', mime_type: 'video/mp4', size_bytes: String(bytes.length), sha256: digest },
  }, coordinatorKey)).rendition;
  const uploaded = (await upload(rendition.id, bytes, coordinatorKey)).rendition;
  expect(uploaded.state === 'RENDITION_STATE_COMPLETE', `upload ended ${uploaded.state}`);
  console.log(`rendition ${rendition.id}: ${bytes.length} bytes uploaded and verified`);

  const offer = (await call('offers', 'PublishOffer', { id: draft.id }, coordinatorKey)).offer;
  expect(offer.state === 'OFFER_STATE_OFFERED', `published offer is ${offer.state}`);

  const requested = await call('licensing', 'RequestLicence', {
    offer_id: offer.id, uses: ['USAGE_KIND_BROADCAST'], territories: ['KE'], period: { start_time: now() },
  }, memberKey);
  expect(requested.request.state === 'CONTENT_REQUEST_STATE_APPROVED' && requested.licence, `licence request is ${requested.request.state}`);
  console.log(`licence ${requested.licence.id} granted at once (auto-approval)`);

  const downloaded = await download(rendition.id, memberKey);
  expect(sha256(downloaded) === digest, `downloaded ${downloaded.length} bytes with another SHA-256`);
  console.log(`member downloaded ${downloaded.length} bytes, SHA-256 matches`);

  fs.writeFileSync(stateFile, JSON.stringify({
    coordinatorKey, memberId, memberKey, offerId: offer.id, renditionId: rendition.id, licenceId: requested.licence.id, sha256: digest, size: bytes.length,
  }, null, 2));
}

async function verify(stateFile) {
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  const member = (await call('organization', 'GetOrganization', { id: state.memberId }, state.memberKey)).organization;
  expect(member.status === 'ORGANIZATION_STATUS_ACTIVE', `member is ${member.status}`);
  const offer = (await call('offers', 'GetOffer', { id: state.offerId }, state.memberKey)).offer;
  expect(offer.state === 'OFFER_STATE_OFFERED', `offer is ${offer.state}`);
  const licence = (await call('licensing', 'GetLicence', { id: state.licenceId }, state.memberKey)).licence;
  expect(licence.id === state.licenceId, 'licence not found');
  console.log(`rows still there: organisation ${member.id}, offer ${offer.id}, licence ${licence.id}`);
  const downloaded = await download(state.renditionId, state.memberKey);
  expect(downloaded.length === state.size && sha256(downloaded) === state.sha256, `downloaded ${downloaded.length} bytes, SHA-256 ${sha256(downloaded)}`);
  console.log(`media still there: ${downloaded.length} bytes, SHA-256 matches`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// What a well-behaved member client does: retry UNAVAILABLE (and a deadline hit while a service
// restarts) with capped exponential backoff, within an overall budget for the logical call.
async function withRetries(operation, onRetry) {
  const giveUpAt = Date.now() + 60_000;
  for (let delay = 250; ; delay = Math.min(delay * 2, 4000)) {
    try {
      return await operation();
    } catch (error) {
      const retryable = error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED;
      if (!retryable || Date.now() + delay > giveUpAt) {
        throw error;
      }
      onRetry(error);
      await sleep(delay);
    }
  }
}

async function load(stateFile, stopFile) {
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  let calls = 0; let retried = 0; let failed = 0;
  const operations = [
    () => call('organization', 'GetOrganization', { id: state.memberId }, state.memberKey, 5),
    () => call('offers', 'GetOffer', { id: state.offerId }, state.memberKey, 5),
  ];
  while (!fs.existsSync(stopFile)) {
    const operation = operations[calls % operations.length];
    calls += 1;
    try {
      await withRetries(operation, () => { retried += 1; });
    } catch (error) {
      failed += 1;
      console.error(`call ${calls} failed: ${grpc.status[error.code] ?? ''} ${error.details ?? error.message}`);
    }
    await sleep(100);
  }
  console.log(`calls: ${calls}, retried: ${retried}, failed: ${failed}`);
  if (failed > 0) {
    process.exitCode = 1;
  }
}

const [command, ...rest] = process.argv.slice(2);
const commands = { setup, verify, load };
if (!commands[command] || rest.length < (command === 'load' ? 2 : 1)) {
  console.error('usage: node compose-scenario.js setup|verify STATE | load STATE STOPFILE');
  process.exit(2);
}

commands[command](...rest)
  .catch((error) => {
    console.error(`${command} failed: ${error.code !== undefined ? `${grpc.status[error.code]} ${error.details}` : error.message}`);
    process.exitCode = 1;
  })
  .finally(() => Object.values(clients).forEach((c) => c.close()));
