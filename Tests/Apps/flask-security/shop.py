"""A small shop account service on Flask-Security, the two-factor login nobody here wrote.

The drill's stand-in for an app whose users log in with a password, then a TOTP code in a
second request (Flask-Security's `tf_required` / `tf_state` answer, CSRF token in a header).
Each user's TOTP secret is stored encrypted under SECURITY_TOTP_SECRETS, which is read from
the master key: the key that plays the master key's part.

  python shop.py seed     create the tables and the drill user (DRILL_PASSWORD, DRILL_TOTP_SECRET)
  python shop.py serve PORT

The database comes from libpq's PG* variables; the key from MASTER_KEY or MASTER_KEY_FILE.
"""
import os
import sys

from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy
from flask_security import Security, SQLAlchemyUserDatastore, hash_password
from flask_security.models import fsqla_v3 as fsqla
from passlib.totp import TOTP


def master_key() -> str:
    if os.environ.get("MASTER_KEY"):
        return os.environ["MASTER_KEY"].strip()
    path = os.environ.get("MASTER_KEY_FILE")
    if not path:
        sys.exit("shop: set MASTER_KEY or MASTER_KEY_FILE")
    with open(path) as key_file:
        return key_file.read().strip()


key = master_key()
app = Flask(__name__)
app.config.update(
    # libpq's variables: the drill's throwaway, never a password in a URL.
    SQLALCHEMY_DATABASE_URI="postgresql+psycopg2:///" + os.environ.get("PGDATABASE", "shop"),
    SECRET_KEY="session-signing:" + key,
    SECURITY_PASSWORD_SALT="drill-salt",
    SECURITY_TWO_FACTOR=True,
    SECURITY_TWO_FACTOR_REQUIRED=True,
    SECURITY_TWO_FACTOR_ENABLED_METHODS=["authenticator"],
    SECURITY_TOTP_ISSUER="drill-shop",
    SECURITY_TOTP_SECRETS={"1": key},
    SECURITY_CSRF_IGNORE_UNAUTH_ENDPOINTS=False,
    WTF_CSRF_ENABLED=True,
    WTF_CSRF_TIME_LIMIT=None,
)
db = SQLAlchemy(app)
fsqla.FsModels.set_db_info(db)


class Role(db.Model, fsqla.FsRoleMixin):
    pass


class User(db.Model, fsqla.FsUserMixin):
    pass


class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):
    pass


datastore = SQLAlchemyUserDatastore(db, User, Role)
security = Security(app, datastore)


@app.get("/health")
def health():
    db.session.execute(db.text("SELECT 1"))
    return jsonify(status="ok", db="ok")


def seed() -> None:
    with app.app_context():
        db.create_all()
        user = datastore.create_user(email="drill-2fa@example.com", password=hash_password(os.environ["DRILL_PASSWORD"]),
                                     active=True)
        # The known-good authenticator's secret, sealed the way Flask-Security seals its own.
        factory = TOTP.using(issuer="drill-shop", secrets={"1": key})
        user.tf_totp_secret = factory(key=os.environ["DRILL_TOTP_SECRET"], format="base32").to_json(encrypt=True)
        user.tf_primary_method = "authenticator"
        for number in range(50):
            datastore.create_user(email=f"customer{number}@example.com", password=hash_password(f"pw-{number}"), active=True)
        db.session.commit()


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        seed()
    elif sys.argv[1:2] == ["serve"]:
        app.run(host="127.0.0.1", port=int(sys.argv[2]))
    else:
        sys.exit("usage: shop.py seed | serve PORT")
