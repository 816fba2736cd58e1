-- Installation administrators (issue "Many studies on one installation"): they make
-- studies, appoint their lead researchers, and archive or reactivate them, in the browser
-- as at the command line. A role in a study gives no right over the installation. Keep in
-- step with ../postgres/0005_installation_admins.sql. (0004 is left free.)
ALTER TABLE accounts ADD COLUMN installation_admin INTEGER NOT NULL DEFAULT 0
    CHECK (installation_admin IN (0, 1));
