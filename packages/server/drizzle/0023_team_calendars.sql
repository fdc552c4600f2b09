ALTER TABLE "teams" ADD COLUMN "calendar_id" uuid;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
-- Hand-written data migration: each team with business hours gets a calendar of its own,
-- "<team> 营业时间" (" (2)", " (3)"… when the name is taken in the workspace), with the same
-- zone, weekly hours and holiday dates, and the team points at it.
DO $$
DECLARE
  team record;
  base text;
  candidate text;
  suffix integer;
  calendar uuid;
BEGIN
  FOR team IN
    SELECT id, workspace_id, name, business_hours FROM teams
    WHERE business_hours IS NOT NULL AND calendar_id IS NULL ORDER BY created_at, id
  LOOP
    base := team.name || ' 营业时间';
    candidate := base;
    suffix := 1;
    WHILE EXISTS (SELECT 1 FROM calendars WHERE workspace_id = team.workspace_id AND name = candidate) LOOP
      suffix := suffix + 1;
      candidate := base || ' (' || suffix || ')';
    END LOOP;
    INSERT INTO calendars (workspace_id, name, description, timezone, weekly, holidays)
    VALUES (
      team.workspace_id,
      candidate,
      '',
      team.business_hours->>'timezone',
      coalesce(team.business_hours->'weekly', '{}'::jsonb),
      coalesce(
        (SELECT jsonb_agg(jsonb_build_object('kind', 'date', 'name', '', 'date', day) ORDER BY day)
         FROM (SELECT DISTINCT day FROM jsonb_array_elements_text(coalesce(team.business_hours->'holidays', '[]'::jsonb)) AS day) AS days),
        '[]'::jsonb))
    RETURNING id INTO calendar;
    UPDATE teams SET calendar_id = calendar WHERE id = team.id;
  END LOOP;
END $$;
