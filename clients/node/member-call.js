// A non-.NET client check: loads the contracts from protos/ and makes a member's calls through the
// gateway with an API key. Usage:
//   MEDIAMESH_GATEWAY=localhost:5100 MEDIAMESH_API_KEY=mmk_... node member-call.js
// Exits 0 when the calls behave as the contracts say, non-zero otherwise (for CI).
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const gateway = process.env.MEDIAMESH_GATEWAY || 'localhost:5100';
const apiKey = process.env.MEDIAMESH_API_KEY;
if (!apiKey) {
  console.error('Set MEDIAMESH_API_KEY to a member key (see `dotnet run --project services/Organization -- bootstrap`).');
  process.exit(2);
}

const protosRoot = path.resolve(__dirname, '..', '..', 'protos');
const definition = protoLoader.loadSync(
  ['mediamesh/organization/v1/organization_service.proto'],
  { includeDirs: [protosRoot], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true },
);
const loaded = grpc.loadPackageDefinition(definition);
const OrganizationService = loaded.mediamesh.organization.v1.OrganizationService;

// UNAVAILABLE means "retry shortly" (the gateway adds google.rpc.RetryInfo): let the channel retry it.
const serviceConfig = {
  methodConfig: [{
    name: [{ service: 'mediamesh.organization.v1.OrganizationService' }],
    retryPolicy: {
      maxAttempts: 4,
      initialBackoff: '0.5s',
      maxBackoff: '4s',
      backoffMultiplier: 2,
      retryableStatusCodes: ['UNAVAILABLE'],
    },
  }],
};

// The gateway speaks h2c (plaintext HTTP/2); in production put TLS in front and use createSsl().
const client = new OrganizationService(gateway, grpc.credentials.createInsecure(), {
  'grpc.service_config': JSON.stringify(serviceConfig),
});

function call(method, request, key) {
  const metadata = new grpc.Metadata();
  if (key) {
    metadata.set('authorization', `Bearer ${key}`);
  }
  const deadline = new Date(Date.now() + 10_000);
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

async function main() {
  // 1. A page of the directory.
  const page = await call('ListOrganizations', { page_size: 10 }, apiKey);
  if (!Array.isArray(page.organizations) || page.organizations.length === 0) {
    throw new Error('ListOrganizations returned no organisations');
  }
  console.log(`ListOrganizations: ${page.organizations.length} organisation(s), first ${page.organizations[0].id}`);

  // 2. One organisation by id, with enums by name.
  const first = await call('GetOrganization', { id: page.organizations[0].id }, apiKey);
  console.log(`GetOrganization: ${first.organization.id} ${first.organization.status} region ${first.organization.region}`);

  // 3. The gateway refuses a call without a key with UNAUTHENTICATED.
  try {
    await call('GetOrganization', { id: first.organization.id }, null);
    throw new Error('a call without an API key was accepted');
  } catch (error) {
    if (error.code !== grpc.status.UNAUTHENTICATED) {
      throw error;
    }
    console.log('Without a key: UNAUTHENTICATED, as expected');
  }

  // 4. A status with details passes through: NOT_FOUND for an unknown id.
  try {
    await call('GetOrganization', { id: 'org_does_not_exist' }, apiKey);
    throw new Error('an unknown organisation was found');
  } catch (error) {
    if (error.code !== grpc.status.NOT_FOUND) {
      throw error;
    }
    console.log(`Unknown id: NOT_FOUND (${error.details})`);
  }
}

main()
  .then(() => {
    console.log('1 passed, 0 failed');
    client.close();
  })
  .catch((error) => {
    console.error(`Node client check failed: ${error.code !== undefined ? `${grpc.status[error.code]} ${error.details}` : error.message}`);
    console.log('0 passed, 1 failed');
    client.close();
    process.exit(1);
  });
