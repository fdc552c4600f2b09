import pg from 'pg';

/**
 * The bare locking primitive with no routing logic: claim the first queued conversation
 * (FOR UPDATE SKIP LOCKED), claim any agent with room (the same), assign, commit — in
 * `concurrency` loops, as many as the routers being compared.
 */
export async function baselineClaims(url: string, workspaceId: string, concurrency: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  let claims = 0;
  const started = Date.now();
  const loop = async () => {
    for (;;) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const conversation = await client.query(
          `SELECT id FROM conversations WHERE workspace_id = $1 AND state = 'queued' AND assignee_id IS NULL ORDER BY queue_priority DESC, queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [workspaceId],
        );
        if (!conversation.rows[0]) {
          await client.query('ROLLBACK');
          return;
        }
        const agent = await client.query(
          `SELECT s.user_id FROM agent_states s JOIN agent_capacities c ON c.user_id = s.user_id AND c.workspace_id = s.workspace_id AND c.channel = 'widget'
           WHERE s.workspace_id = $1 AND s.status = 'online'
             AND (SELECT count(*) FROM conversations x WHERE x.assignee_id = s.user_id AND x.state = 'assigned') < c.capacity
           LIMIT 1 FOR UPDATE OF s SKIP LOCKED`,
          [workspaceId],
        );
        if (!agent.rows[0]) {
          await client.query('ROLLBACK');
          return;
        }
        await client.query(`UPDATE conversations SET assignee_id = $1, state = 'assigned' WHERE id = $2`, [
          agent.rows[0].user_id,
          conversation.rows[0].id,
        ]);
        await client.query('COMMIT');
        claims += 1;
      } finally {
        client.release();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (Date.now() - started) / 1000;
  await pool.end();
  return claims / seconds;
}
