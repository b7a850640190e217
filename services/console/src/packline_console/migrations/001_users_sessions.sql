-- People who sign in to the console; the console keeps no business state.
CREATE TABLE users (
    user_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    seller_id   text,                      -- NULL only for the platform role sre
    role        text NOT NULL CHECK (role IN ('owner', 'operator', 'viewer', 'sre')),
    password_hash text NOT NULL,           -- argon2id, with its parameters
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'sre') = (seller_id IS NULL))
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE sessions (
    session_id  text PRIMARY KEY,          -- sha256 of the cookie's random id: a leaked table opens nothing
    user_id     bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, per email (whether it exists or not) and per client address.
CREATE TABLE sign_in_failures (
    failure_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    address     text NOT NULL,
    failed_at   timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, failed_at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, failed_at);
