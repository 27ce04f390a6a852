# Takes over models that lived in the orders app, without copying data: the tables keep their
# names, only the migration state moves here. The content types (and so every permission given
# to a user or a group) are renamed to this app, so nobody loses access.

import django.db.models.deletion
from django.db import migrations, models



def move_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ['apitoken', 'apiordercreation']:
        if not content_type.objects.filter(app_label="integrations", model=model).exists():
            content_type.objects.filter(app_label="orders", model=model).update(app_label="integrations")


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ['apitoken', 'apiordercreation']:
        content_type.objects.filter(app_label="integrations", model=model).update(app_label="orders")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orders', '0004_move_payments_and_integrations'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='nome')),
                        ('prefix', models.CharField(db_index=True, max_length=16, verbose_name='início do token')),
                        ('key_hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name='hash')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='criado em')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='último uso')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revogado em')),
                    ],
                    options={
                        'verbose_name': 'token da API',
                        'verbose_name_plural': 'tokens da API',
                        'db_table': 'orders_apitoken',
                        'ordering': ['name', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ApiOrderCreation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=100, verbose_name='chave de idempotência')),
                        ('request_hash', models.CharField(max_length=64, verbose_name='hash da requisição')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='criado em')),
                        ('order', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orders.order')),
                        ('token', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='integrations.apitoken')),
                    ],
                    options={
                        'verbose_name': 'criação de pedido pela API',
                        'verbose_name_plural': 'criações de pedido pela API',
                        'db_table': 'orders_apiordercreation',
                        'constraints': [models.UniqueConstraint(fields=('token', 'key'), name='uniq_api_idempotency_key')],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(move_content_types, restore_content_types),
            ],
        ),
    ]
