from cers_app.core import db
from tests import helpers


def test_it_registers_and_records_the_activation_email(database):
    user_id = helpers.register("lenalead")
    [message] = helpers.emails("activation")
    assert message.user_id == user_id
    assert message.status == "sent"
    assert "lenalead" in message.body_text
    assert db.run(lambda s: s.get(type(helpers.user(user_id)), user_id)).status == "pending"
