-- The IvrVoice prompt cache shared by every node. Applied at start-up under an advisory lock;
-- every statement is idempotent, so applying it again changes nothing.
CREATE TABLE IF NOT EXISTS ivrvoice_prompts (
    key              text             PRIMARY KEY,
    text             text             NOT NULL,
    voice            text             NOT NULL,
    model            text             NOT NULL,
    language         text,
    style            text,
    provider         text             NOT NULL,
    duration_seconds double precision NOT NULL,
    byte_length      bigint           NOT NULL,
    sha256           text             NOT NULL,
    rendered_at      timestamptz      NOT NULL,
    pinned           boolean          NOT NULL DEFAULT false,
    format           text             NOT NULL,
    audio            bytea            NOT NULL,
    stored_at        timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT ivrvoice_prompts_key_is_sha256_hex CHECK (key ~ '^[0-9a-f]{64}$'),
    CONSTRAINT ivrvoice_prompts_length_matches_audio CHECK (byte_length = octet_length(audio))
);

-- μ-law audio barely compresses: store it out of line without trying. Checked first, because ALTER TABLE takes an
-- exclusive lock that a restarting node should not take while the others serve.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = 'ivrvoice_prompts'::regclass AND attname = 'audio' AND attstorage <> 'e') THEN
        ALTER TABLE ivrvoice_prompts ALTER COLUMN audio SET STORAGE EXTERNAL;
    END IF;
END
$$;

-- Short-lived hand-offs between nodes (a call's stream outcome for its <Connect action>, a long announcement behind a
-- signed ticket). Rows past expires_at are never read and are deleted by later writes.
CREATE TABLE IF NOT EXISTS ivrvoice_handoffs (
    key        text        PRIMARY KEY,
    value      text        NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ivrvoice_handoffs_expires_at ON ivrvoice_handoffs (expires_at);
