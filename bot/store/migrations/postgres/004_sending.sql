-- When a post was first handed to Slack (0: never). A claim that finds it
-- set knows the message may exist although no outcome was recorded (the
-- owner died, or Slack's answer was lost), and looks for it before posting.
ALTER TABLE posts ADD COLUMN sending_since BIGINT NOT NULL DEFAULT 0;
