# Takes over models that lived in the orders app, without copying data: the tables keep their
# names, only the migration state moves here. The content types (and so every permission given
# to a user or a group) are renamed to this app, so nobody loses access.

import django.db.models.deletion
from django.db import migrations, models



def move_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ['paymentevent']:
        if not content_type.objects.filter(app_label="payments", model=model).exists():
            content_type.objects.filter(app_label="orders", model=model).update(app_label="payments")


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ['paymentevent']:
        content_type.objects.filter(app_label="payments", model=model).update(app_label="orders")


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
                    name='PaymentEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('provider', models.CharField(max_length=40, verbose_name='gateway')),
                        ('event_id', models.CharField(max_length=200, verbose_name='id do evento')),
                        ('kind', models.CharField(choices=[('in_review', 'Pagamento em análise'), ('approved', 'Pagamento aprovado'), ('rejected', 'Pagamento recusado'), ('refunded', 'Pagamento estornado'), ('chargeback', 'Chargeback')], max_length=20, verbose_name='tipo')),
                        ('outcome', models.CharField(choices=[('applied', 'Status alterado'), ('ignored', 'Não se aplica mais (nada alterado)'), ('recorded', 'Registrado para a equipe (nada alterado)')], max_length=20, verbose_name='resultado')),
                        ('detail', models.TextField(blank=True, verbose_name='detalhe')),
                        ('needs_attention', models.BooleanField(default=False, verbose_name='requer atenção')),
                        ('payload', models.JSONField(blank=True, default=dict, verbose_name='notificação')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recebido em')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payment_events', to='orders.order', verbose_name='pedido')),
                        ('status_change', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orders.orderstatuschange', verbose_name='alteração de status')),
                    ],
                    options={
                        'verbose_name': 'evento de pagamento',
                        'verbose_name_plural': 'eventos de pagamento',
                        'db_table': 'orders_paymentevent',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['needs_attention', '-created_at'], name='payment_event_attention')],
                        'constraints': [models.UniqueConstraint(fields=('provider', 'event_id'), name='uniq_payment_event')],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(move_content_types, restore_content_types),
            ],
        ),
    ]
