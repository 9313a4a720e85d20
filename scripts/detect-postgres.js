// Prints the major version of the PostgreSQL server at the URL given as the
// first argument, or explains on stderr why it could not connect (exit 1).
// scripts/test.sh uses it to point TestDatabases at that server.
const { Client } = require('pg');

async function main() {
  const client = new Client({
    connectionString: process.argv[2],
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    const { rows } = await client.query('SHOW server_version_num');
    process.stdout.write(
      `${Math.floor(Number(rows[0].server_version_num) / 10000)}\n`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

main().catch(error => {
  process.stderr.write(`${error.message || error}\n`);
  process.exit(1);
});
