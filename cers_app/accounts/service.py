"""Account use cases: register, activate, recover, edit profile and password, email history.

Each function takes a fresh Session and owns its one transaction; emails go out after commit.
Password and answer hashing is slow on purpose, so callers run these off the event loop.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from cers_app.accounts import emails, rules
from cers_app.accounts import tokens as account_tokens
from cers_app.accounts.conditions import VERSION as CONDITIONS_VERSION
from cers_app.accounts.models import (
    AccountToken,
    ConditionsAcceptance,
    TokenPurpose,
    User,
    UserStatus,
)
from cers_app.accounts.sessions import revoke_all_sessions
from cers_app.accounts.views import (
    AccountRow,
    EmailRow,
    EmailView,
    ProfileChange,
    ProfileView,
    Registration,
)
from cers_app.core import audit, clock, throttle
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import EmailMessage, Rendered, queue_email
from cers_app.core.paging import Page, fetch_page
from cers_app.core.passwords import hash_secret, verify_secret
from cers_app.core.permissions import Actor, Permission

USERNAME_TAKEN = "That username is already taken. Choose another one."
STALE_ACCOUNT = (
    "Your account was changed in another window. Reload the page and make your change again."
)


def _validate_registration(data: Registration) -> tuple[str, dict[str, str]]:
    errors: dict[str, str] = {}
    email, email_error = rules.normalise_email(data.email)
    checks = {
        "first_name": rules.check_name(data.first_name, "first name"),
        "last_name": rules.check_name(data.last_name, "last name"),
        "email": email_error,
        "username": rules.check_username(data.username),
        "password": rules.check_password(
            data.password, personal=[data.username, data.first_name, data.last_name, data.email]
        ),
        "password_confirm": rules.check_password_confirmation(data.password, data.password_confirm),
        "security_question": rules.check_security_question(data.security_question),
        "security_answer": rules.check_answer(data.security_answer),
        "phrase": rules.check_phrase(data.phrase),
    }
    errors = {field: message for field, message in checks.items() if message}
    if data.accepted_conditions_version != CONDITIONS_VERSION:
        errors["accept_conditions"] = "You must accept the conditions of use to create an account."
    return email or "", errors


def _username_taken(session: Session, username: str, except_user_id: int | None = None) -> bool:
    statement = select(User.id).where(User.username_key == rules.username_key(username))
    if except_user_id is not None:
        statement = statement.where(User.id != except_user_id)
    return session.exec(statement).first() is not None


def _new_user(session: Session, data: Registration, email: str, status: UserStatus) -> User:
    now = clock.now()
    user = User(
        username=data.username.strip(),
        username_key=rules.username_key(data.username),
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        email=email,
        password_hash=hash_secret(data.password),
        security_question=data.security_question,
        security_answer_hash=hash_secret(rules.normalise_answer(data.security_answer)),
        phrase=data.phrase.strip(),
        status=status.value,
        created_at=now,
        activated_at=now if status is UserStatus.ACTIVE else None,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    return user


def _accept(session: Session, user_id: int, client_ip: str | None) -> None:
    session.add(
        ConditionsAcceptance(
            user_id=user_id,
            version=CONDITIONS_VERSION,
            accepted_at=clock.now(),
            client_ip=client_ip,
        )
    )


def _lifetime_minutes(purpose: TokenPurpose) -> int:
    return int(account_tokens.LIFETIMES[purpose].total_seconds() // 60)


def _email_link(
    session: Session,
    user: User,
    purpose: TokenPurpose,
    message: Callable[[str], Rendered],
    *,
    to: str | None = None,
) -> None:
    """Issue a single-use token of `purpose` and email the link `message(token)` renders.

    For an email change the token carries the new address and the link goes there (`to`).
    """
    assert user.id is not None
    raw = account_tokens.issue(session, user.id, purpose, payload=to)
    queue_email(
        session, to=to or user.email, message=message(raw), kind=purpose.value, user_id=user.id
    )


def _send_activation(session: Session, user: User) -> None:
    hours = _lifetime_minutes(TokenPurpose.ACTIVATION) // 60
    _email_link(
        session,
        user,
        TokenPurpose.ACTIVATION,
        lambda raw: emails.activation(user.first_name, user.username, raw, hours),
    )


def _admit(session: Session, *counted: tuple[throttle.Limit, str]) -> None:
    """Count this attempt against `counted` in a transaction of its own, which stays counted
    even when the request is then refused; raises Throttled when a limit is reached."""
    with throttle.counted_transaction(session, *(key for _limit, key in counted)):
        throttle.admit(session, *counted)


def _client_limit(limit: throttle.Limit, client_ip: str | None) -> tuple[throttle.Limit, str]:
    return limit, limit.key(client_ip or "unknown")


def register(session: Session, data: Registration, *, client_ip: str | None = None) -> int:
    """Create a pending account and email its activation link. Returns the new user's id.

    Attempts are limited per client address (throttle.SIGN_UP_PER_CLIENT), refused ones too.
    """
    _admit(session, _client_limit(throttle.SIGN_UP_PER_CLIENT, client_ip))
    try:
        with transaction(session):
            email, errors = _validate_registration(data)
            if "username" not in errors and _username_taken(session, data.username):
                errors["username"] = USERNAME_TAKEN
            if errors:
                raise ValidationFailed(errors)
            user = _new_user(session, data, email, UserStatus.PENDING)
            assert user.id is not None
            _accept(session, user.id, client_ip)
            _send_activation(session, user)
            audit.record(
                session,
                actor_user_id=user.id,
                event=AuditEventType.USER_REGISTERED,
                subject_type="user",
                subject_id=user.id,
                after={"username": user.username, "email": user.email},
                client_ip=client_ip,
            )
            return user.id
    except IntegrityError as exc:
        # Two sign-ups raced for the same username; the unique index decided.
        raise ValidationFailed({"username": USERNAME_TAKEN}) from exc


def create_activated_user(
    session: Session,
    data: Registration,
    *,
    actor_user_id: int | None,
    system_admin: bool = False,
    accept_conditions: bool = False,
) -> int:
    """Create an already-active account (CLI and demo data); no activation email."""
    with transaction(session):
        email, errors = _validate_registration(data)
        errors.pop("accept_conditions", None)
        if "username" not in errors and _username_taken(session, data.username):
            errors["username"] = USERNAME_TAKEN
        if errors:
            raise ValidationFailed(errors)
        user = _new_user(session, data, email, UserStatus.ACTIVE)
        user.is_system_admin = system_admin
        assert user.id is not None
        if accept_conditions:
            _accept(session, user.id, None)
        audit.record(
            session,
            actor_user_id=actor_user_id,
            event=AuditEventType.USER_CREATED_BY_ADMIN,
            subject_type="user",
            subject_id=user.id,
            after={"username": user.username, "system_admin": system_admin},
        )
        return user.id


def activate(session: Session, raw_token: str) -> str:
    """Activate the account of an activation link; returns its username."""
    with transaction(session):
        _token, user = account_tokens.redeem(session, raw_token, TokenPurpose.ACTIVATION)
        if user.status == UserStatus.PENDING:
            user.status = UserStatus.ACTIVE.value
            user.activated_at = clock.now()
            user.version += 1
            session.add(user)
            audit.record(
                session,
                actor_user_id=user.id,
                event=AuditEventType.USER_ACTIVATED,
                subject_type="user",
                subject_id=user.id or 0,
            )
        return user.username


def _allow_account_email(session: Session, address: str) -> bool:
    key = throttle.ACCOUNT_EMAILS.key(address.casefold())
    if throttle.retry_after(session, throttle.ACCOUNT_EMAILS, key):
        return False
    throttle.hit(session, throttle.ACCOUNT_EMAILS, key)
    return True


def _admit_account_request(session: Session, name: str, client_ip: str | None) -> None:
    """Limit requests for account emails per client and per address or username named."""
    _admit(
        session,
        _client_limit(throttle.ACCOUNT_REQUESTS_PER_CLIENT, client_ip),
        (throttle.ACCOUNT_REQUESTS_PER_NAME, throttle.ACCOUNT_REQUESTS_PER_NAME.key(name)),
    )


def resend_activation(
    session: Session, username_or_email: str, *, client_ip: str | None = None
) -> None:
    """Send a new activation link to a pending account. Silent when there is none."""
    wanted = username_or_email.strip()
    if not wanted or len(wanted) > 254:
        raise ValidationFailed({"who": "Enter your username or email address."})
    name = wanted.casefold() if "@" in wanted else rules.username_key(wanted)
    _admit_account_request(session, name, client_ip)
    with transaction(session):
        statement = select(User).where(User.status == UserStatus.PENDING.value)
        if "@" in wanted:
            statement = statement.where(func.lower(User.email) == wanted.casefold())
        else:
            statement = statement.where(User.username_key == rules.username_key(wanted))
        for user in session.exec(statement.limit(5)).all():
            if not _allow_account_email(session, user.email):
                continue
            _send_activation(session, user)


def remind_usernames(session: Session, email: str, *, client_ip: str | None = None) -> None:
    """Email the usernames registered to `email`. Silent when there are none."""
    address, error = rules.normalise_email(email)
    if error or address is None:
        raise ValidationFailed({"email": error or "Enter a valid email address."})
    _admit_account_request(session, address.casefold(), client_ip)
    with transaction(session):
        users = session.exec(
            select(User)
            .where(func.lower(User.email) == address.casefold())
            .where(User.status != UserStatus.DISABLED.value)
            .order_by(User.username_key)
        ).all()
        if not users or not _allow_account_email(session, address):
            return
        queue_email(
            session,
            to=users[0].email,
            message=emails.username_reminder([user.username for user in users]),
            kind="username_reminder",
            user_id=users[0].id if len(users) == 1 else None,
        )


def request_password_reset(
    session: Session, username: str, *, client_ip: str | None = None
) -> None:
    """Email a reset link to the account's address. Silent when the username is unknown."""
    error = rules.check_username(username)
    if error:
        raise ValidationFailed({"username": error})
    _admit_account_request(session, rules.username_key(username), client_ip)
    with transaction(session):
        user = session.exec(
            select(User).where(User.username_key == rules.username_key(username))
        ).first()
        if user is None or user.status != UserStatus.ACTIVE:
            return
        if not _allow_account_email(session, user.email):
            return
        assert user.id is not None
        minutes = _lifetime_minutes(TokenPurpose.PASSWORD_RESET)
        _email_link(
            session,
            user,
            TokenPurpose.PASSWORD_RESET,
            lambda raw: emails.password_reset(user.first_name, user.username, raw, minutes),
        )
        audit.record(
            session,
            actor_user_id=None,
            event=AuditEventType.USER_PASSWORD_RESET_REQUESTED,
            subject_type="user",
            subject_id=user.id,
        )


def reset_question(session: Session, raw_token: str) -> str:
    """The security question to show on the reset page of a live reset link."""
    _token, user = account_tokens.peek(session, raw_token, TokenPurpose.PASSWORD_RESET)
    return rules.SECURITY_QUESTIONS.get(user.security_question, "")


def reset_password(
    session: Session,
    raw_token: str,
    answer: str,
    password: str,
    password_confirm: str,
    *,
    client_ip: str | None = None,
) -> str:
    """Set a new password from a reset link and the security answer; ends every session.

    Wrong answers are counted; five within 15 minutes lock resets of that account.
    Returns the username so the page can offer to sign in.
    """
    refused: dict[str, str] = {}
    _token, user = account_tokens.peek(session, raw_token, TokenPurpose.PASSWORD_RESET)
    key = throttle.RESET_ANSWER.key(str(user.id))
    session.rollback()  # end the look-up; the counted transaction below reads it again
    with throttle.counted_transaction(session, key):
        _token, user = account_tokens.peek(session, raw_token, TokenPurpose.PASSWORD_RESET)
        assert user.id is not None
        throttle.check(session, throttle.RESET_ANSWER, key)
        checks = {
            "password": rules.check_password(
                password, personal=[user.username, user.first_name, user.last_name, user.email]
            ),
            "password_confirm": rules.check_password_confirmation(password, password_confirm),
        }
        refused = {field: message for field, message in checks.items() if message}
        if not verify_secret(rules.normalise_answer(answer), user.security_answer_hash):
            # Counted even when the password is also refused, so guessing costs attempts.
            throttle.hit(session, throttle.RESET_ANSWER, key)
            refused["security_answer"] = "That answer does not match the one on your account."
        if not refused:
            account_tokens.redeem(session, raw_token, TokenPurpose.PASSWORD_RESET)
            user.password_hash = hash_secret(password)
            user.password_changed_at = clock.now()
            user.version += 1
            session.add(user)
            throttle.clear(session, throttle.RESET_ANSWER, key)
            revoke_all_sessions(session, user.id)
            audit.record(
                session,
                actor_user_id=user.id,
                event=AuditEventType.USER_PASSWORD_RESET,
                subject_type="user",
                subject_id=user.id,
                client_ip=client_ip,
            )
            queue_email(
                session,
                to=user.email,
                message=emails.password_changed(user.first_name, "reset with an emailed link"),
                kind="password_changed",
                user_id=user.id,
            )
    if refused:
        raise ValidationFailed(refused)
    return user.username


def _own_user(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("Your account was not found.")
    return user


def _pending_email(session: Session, user_id: int) -> str:
    token = session.exec(
        select(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == TokenPurpose.EMAIL_CHANGE.value,
            col(AccountToken.used_at).is_(None),
            AccountToken.expires_at > clock.now(),
        )
        .order_by(col(AccountToken.id).desc())
    ).first()
    return token.payload or "" if token else ""


def get_profile(session: Session, actor: Actor) -> ProfileView:
    """The signed-in user's own account details."""
    user = _own_user(session, actor)
    assert user.id is not None
    return ProfileView(
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        pending_email=_pending_email(session, user.id),
        security_question=user.security_question,
        phrase=user.phrase,
        version=user.version,
        member_since=clock.format_local(user.created_at),
        last_sign_in=clock.format_local(user.last_sign_in_at),
    )


_PROFILE_LABELS = {
    "username": "username",
    "first_name": "first name",
    "last_name": "last name",
    "security_question": "security question",
    "security_answer": "security answer",
    "phrase": "password protection phrase",
}


def update_profile(session: Session, actor: Actor, change: ProfileChange) -> ProfileView:
    """Save the Edit My Profile form.

    A new email address is only requested here: it replaces the old one when confirmed from
    the new inbox. Changing the email address or the security question/answer needs the
    current password. Every change is audited and the account's address is told about it.
    """
    try:
        with transaction(session):
            user = _own_user(session, actor)
            _apply_profile_change(session, actor, user, change)
    except IntegrityError as exc:
        # Another account took the username between our check and the commit.
        raise ValidationFailed({"username": USERNAME_TAKEN}) from exc
    return get_profile(session, actor)


def _apply_profile_change(
    session: Session, actor: Actor, user: User, change: ProfileChange
) -> None:
    assert user.id is not None
    new_email, email_error = rules.normalise_email(change.email)
    checks = {
        "username": rules.check_username(change.username),
        "first_name": rules.check_name(change.first_name, "first name"),
        "last_name": rules.check_name(change.last_name, "last name"),
        "email": email_error,
        "security_question": rules.check_security_question(change.security_question),
        "phrase": rules.check_phrase(change.phrase),
    }
    question_changed = change.security_question != user.security_question
    if question_changed and not change.security_answer:
        checks["security_answer"] = "Enter the answer to your new security question."
    elif change.security_answer:
        checks["security_answer"] = rules.check_answer(change.security_answer)
    errors = {field: message for field, message in checks.items() if message}
    if "username" not in errors and _username_taken(session, change.username, user.id):
        errors["username"] = USERNAME_TAKEN
    email_changed = bool(new_email) and new_email != user.email
    sensitive = email_changed or bool(change.security_answer) or question_changed
    if sensitive and not verify_secret(change.current_password, user.password_hash):
        errors["current_password"] = (
            "Enter your current password to change your email address or security question."
        )
    if errors:
        raise ValidationFailed(errors)
    if change.version != user.version:
        raise Conflict(STALE_ACCOUNT)

    editable = ("username", "first_name", "last_name", "security_question", "phrase")
    old = {field: getattr(user, field) for field in editable}
    new = {field: getattr(change, field).strip() for field in editable}
    before, after = audit.changed_fields(old, new)
    if change.security_answer:
        user.security_answer_hash = hash_secret(rules.normalise_answer(change.security_answer))
        before["security_answer"], after["security_answer"] = "(hidden)", "(changed)"
    if after:
        # Claim the version in the UPDATE itself: of two saves of the same form that both
        # passed the check above (two tabs, a double submit), the second matches no row.
        claimed = session.exec(
            update(User)
            .where(col(User.id) == user.id, col(User.version) == change.version)
            .values(version=change.version + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            raise Conflict(STALE_ACCOUNT)
        for field in editable:
            setattr(user, field, new[field])
        user.username_key = rules.username_key(user.username)
        user.version = change.version + 1
        session.add(user)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.USER_PROFILE_CHANGED,
            subject_type="user",
            subject_id=user.id,
            before=before,
            after=after,
            client_ip=actor.client_ip,
        )
        queue_email(
            session,
            to=user.email,
            message=emails.profile_changed(
                user.first_name, [_PROFILE_LABELS[field] for field in after]
            ),
            kind="profile_changed",
            user_id=user.id,
        )
    if email_changed and new_email:
        _request_email_change(session, user, new_email, actor)


def _request_email_change(session: Session, user: User, new_email: str, actor: Actor) -> None:
    assert user.id is not None
    hours = _lifetime_minutes(TokenPurpose.EMAIL_CHANGE) // 60
    _email_link(
        session,
        user,
        TokenPurpose.EMAIL_CHANGE,
        lambda raw: emails.confirm_new_email(user.first_name, raw, hours),
        to=new_email,
    )
    queue_email(
        session,
        to=user.email,
        message=emails.email_change_requested(user.first_name, new_email),
        kind="email_change_requested",
        user_id=user.id,
    )
    audit.record(
        session,
        actor_user_id=actor.user_id,
        event=AuditEventType.USER_EMAIL_CHANGE_REQUESTED,
        subject_type="user",
        subject_id=user.id,
        after={"email": new_email},
        client_ip=actor.client_ip,
    )


def confirm_email_change(session: Session, raw_token: str) -> str:
    """Apply a confirmed new email address; returns it."""
    with transaction(session):
        token, user = account_tokens.redeem(session, raw_token, TokenPurpose.EMAIL_CHANGE)
        old_email, new_email = user.email, token.payload or ""
        if not new_email:
            raise NotFound("This link is not valid.")
        user.email = new_email
        user.version += 1
        session.add(user)
        assert user.id is not None
        audit.record(
            session,
            actor_user_id=user.id,
            event=AuditEventType.USER_EMAIL_CHANGED,
            subject_type="user",
            subject_id=user.id,
            before={"email": old_email},
            after={"email": new_email},
        )
        queue_email(
            session,
            to=old_email,
            message=emails.email_changed(user.first_name, new_email),
            kind="email_changed",
            user_id=user.id,
        )
        return new_email


def change_password(
    session: Session, actor: Actor, current: str, password: str, password_confirm: str
) -> None:
    """Edit My Password: needs the current password; signs out every other session."""
    with transaction(session):
        user = _own_user(session, actor)
        checks = {
            "password": rules.check_password(
                password, personal=[user.username, user.first_name, user.last_name, user.email]
            ),
            "password_confirm": rules.check_password_confirmation(password, password_confirm),
        }
        errors = {field: message for field, message in checks.items() if message}
        if not verify_secret(current, user.password_hash):
            errors["current_password"] = "Your current password is not correct."
        elif password and current == password:
            errors["password"] = "Choose a password different from your current one."
        if errors:
            raise ValidationFailed(errors)
        user.password_hash = hash_secret(password)
        user.password_changed_at = clock.now()
        user.version += 1
        session.add(user)
        revoke_all_sessions(session, actor.user_id, except_session_id=actor.session_id)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.USER_PASSWORD_CHANGED,
            subject_type="user",
            subject_id=actor.user_id,
            client_ip=actor.client_ip,
        )
        queue_email(
            session,
            to=user.email,
            message=emails.password_changed(user.first_name, "changed from your account page"),
            kind="password_changed",
            user_id=user.id,
        )


def has_accepted_current_conditions(session: Session, user_id: int) -> bool:
    return (
        session.exec(
            select(ConditionsAcceptance.id).where(
                ConditionsAcceptance.user_id == user_id,
                ConditionsAcceptance.version == CONDITIONS_VERSION,
            )
        ).first()
        is not None
    )


def accept_conditions(session: Session, actor: Actor, version: str) -> None:
    """Record that the actor accepted the current conditions of use."""
    if version != CONDITIONS_VERSION:
        raise ValidationFailed(
            {"accept": "The conditions of use changed while you were reading. Read them again."}
        )
    try:
        with transaction(session):
            if has_accepted_current_conditions(session, actor.user_id):
                return
            _accept(session, actor.user_id, actor.client_ip)
            audit.record(
                session,
                actor_user_id=actor.user_id,
                event=AuditEventType.USER_CONDITIONS_ACCEPTED,
                subject_type="user",
                subject_id=actor.user_id,
                after={"version": CONDITIONS_VERSION},
                client_ip=actor.client_ip,
            )
    except IntegrityError:
        # A double click: the other request recorded this acceptance first (unique row).
        return


def list_emails(session: Session, actor: Actor, page: int, page_size: int) -> Page[EmailRow]:
    """The actor's own email history, newest first."""
    statement = (
        select(EmailMessage)
        .where(EmailMessage.user_id == actor.user_id)
        .order_by(col(EmailMessage.id).desc())
    )
    rows, total = fetch_page(session, statement, page, page_size)
    return Page(
        rows=[
            EmailRow(
                id=row.id or 0,
                sent=clock.format_local(row.sent_at or row.created_at),
                to_address=row.to_address,
                subject=row.subject,
                status=row.status,
            )
            for (row,) in rows
        ],
        total=total,
        page=page,
        page_size=page_size,
    )


def get_email(session: Session, actor: Actor, message_id: int) -> EmailView:
    """One message of the actor's own history; another user's message is NotFound."""
    row = session.exec(
        select(EmailMessage).where(
            EmailMessage.id == message_id, EmailMessage.user_id == actor.user_id
        )
    ).first()
    if row is None:
        raise NotFound("That message was not found in your email history.")
    return EmailView(
        id=row.id or 0,
        sent=clock.format_local(row.sent_at or row.created_at),
        to_address=row.to_address,
        subject=row.subject,
        status=row.status,
        body_text=row.body_text,
    )


def list_accounts(
    session: Session, actor: Actor, query: str, page: int, page_size: int
) -> Page[AccountRow]:
    """All accounts, newest first, filtered by username, name or email (administrators only)."""
    if not actor.can(Permission.SYSTEM_ADMIN):
        raise PermissionDenied("Only system administrators can list accounts.")
    statement = select(User).order_by(col(User.id).desc())
    wanted = query.strip().casefold()[:100]
    if wanted:
        # autoescape: a typed "%" or "_" is searched for, not used as a LIKE wildcard.
        statement = statement.where(
            func.lower(User.username).contains(wanted, autoescape=True)
            | func.lower(User.email).contains(wanted, autoescape=True)
            | func.lower(User.first_name + " " + User.last_name).contains(wanted, autoescape=True)
        )
    rows, total = fetch_page(session, statement, page, page_size)
    return Page(
        rows=[
            AccountRow(
                id=user.id or 0,
                username=user.username,
                name=user.display_name,
                email=user.email,
                status=user.status,
                created=clock.format_local(user.created_at),
                last_sign_in=clock.format_local(user.last_sign_in_at),
                system_admin=user.is_system_admin,
            )
            for (user,) in rows
        ],
        total=total,
        page=page,
        page_size=page_size,
    )
