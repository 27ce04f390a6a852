# Payment events and API tokens moved to the payments and integrations apps. Their tables keep
# their names (orders_paymentevent, orders_apitoken, orders_apiordercreation) and their rows:
# only Django's idea of which app owns them changes, so the database is not touched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0003_api_idempotency_keys'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='paymentevent',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='paymentevent',
                    name='status_change',
                ),
                migrations.DeleteModel(
                    name='ApiOrderCreation',
                ),
                migrations.DeleteModel(
                    name='ApiToken',
                ),
                migrations.DeleteModel(
                    name='PaymentEvent',
                ),
            ],
            database_operations=[],
        ),
    ]
