"""Extension objects, created unbound and initialised in create_app."""
from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from shop.core.database import Base
from shop.core.replica import RoutingSession

# Objects stay loaded after a commit: a request that commits and then renders must not reload
# everything it already has (services reload what they changed, with populate_existing). The session's class sends
# the reads of reports to the replica when one is configured (shop.core.replica).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False, "class_": RoutingSession})
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

# The base class of every model. Flask-SQLAlchemy builds db.Model at run time from Base (adding its query
# property and bind), which a type checker cannot follow: to it, the models are declared on Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
